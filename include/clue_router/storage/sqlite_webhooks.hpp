#pragma once
// SQL for webhooks: endpoints, the outbox / delivery log, inbound secrets and the answers
// to inbound webhook-ids. Called from SqliteStore's transactions and readers. Secrets are
// sealed on the way in and opened on the way out (storage/sealed_secrets) with the store's
// cipher; nothing else here needs it.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "clue_router/domain/ticket.hpp"
#include "clue_router/storage/personal_data_cipher.hpp"
#include "clue_router/storage/records.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_webhooks {

// Outbox rows for a just-appended ticket event, one per subscribed endpoint of the ticket's
// sender and recipient. `event.sequence` must be set.
void enqueue_ticket_event(sqlite::Connection& c, const domain::TicketEvent& event,
                          const domain::Ticket& ticket);
void enqueue_clue_event(sqlite::Connection& c, const std::string& type, const std::string& clue_id,
                        Timestamp at);

// Writing a secret without a cipher throws StorageError (never stored in clear); reading one
// sealed without a cipher, or one that does not open, throws StorageError naming the row.
void insert_endpoint(sqlite::Connection& c, const PersonalDataCipher* cipher,
                     const WebhookEndpoint& e);
bool update_endpoint(sqlite::Connection& c, const PersonalDataCipher* cipher,
                     const WebhookEndpoint& e);
bool delete_endpoint(sqlite::Connection& c, const std::string& id);
std::optional<WebhookEndpoint> find_endpoint(sqlite::Connection& c,
                                             const PersonalDataCipher* cipher,
                                             const std::string& id);
std::vector<WebhookEndpoint> endpoints(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                       const std::optional<std::string>& agency_id);

void record_attempt(sqlite::Connection& c, const DeliveryAttempt& a);
bool retry_delivery(sqlite::Connection& c, const std::string& id, Timestamp at);
std::optional<WebhookDelivery> find_delivery(sqlite::Connection& c, const std::string& id);
std::vector<WebhookDelivery> due_deliveries(sqlite::Connection& c, Timestamp now, int per_endpoint,
                                            int limit);
std::optional<Timestamp> next_delivery_due(sqlite::Connection& c);
std::vector<WebhookDelivery> list_deliveries(sqlite::Connection& c, const DeliveryQuery& q);

void upsert_inbound_secret(sqlite::Connection& c, const PersonalDataCipher* cipher,
                           const InboundSecret& s);
std::optional<InboundSecret> find_inbound_secret(sqlite::Connection& c,
                                                 const PersonalDataCipher* cipher,
                                                 const std::string& agency_id);
// The answer's body is sealed at rest (storage/sqlite_sealed_texts): it holds the ticket.
std::optional<InboundAnswer> find_inbound_answer(sqlite::Connection& c,
                                                 const PersonalDataCipher* cipher,
                                                 const std::string& agency_id,
                                                 const std::string& webhook_id);
void insert_inbound_answer(sqlite::Connection& c, const PersonalDataCipher* cipher,
                           const std::string& agency_id, const std::string& webhook_id,
                           const InboundAnswer& answer, Timestamp at);

}  // namespace clue_router::storage::sqlite_webhooks

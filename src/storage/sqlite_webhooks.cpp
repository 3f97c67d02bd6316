#include "clue_router/storage/sqlite_webhooks.hpp"

#include <algorithm>
#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "clue_router/domain/time.hpp"
#include "clue_router/domain/webhook_event.hpp"
#include "clue_router/storage/sealed_secrets.hpp"
#include "clue_router/storage/sqlite_sealed_texts.hpp"
#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_webhooks {

namespace {

using sqlite::Connection;
using sqlite::Statement;

// A message id that stays the webhook-id across every retry: "msg_" + 128 random bits.
std::string new_message_id(Connection& c) {
    auto q = c.query("SELECT lower(hex(randomblob(16)))");
    q->step();
    return "msg_" + q->text(0);
}

#define ENDPOINT_COLUMNS                                                                     \
    "id, agency_id, url, event_types_json, secret, previous_secret, previous_secret_until, " \
    "enabled, disabled_reason, created_at, updated_at"

SecretSlot endpoint_slot(const std::string& id, std::string_view column) {
    return {"webhook_endpoints", id, column};
}

SecretSlot inbound_slot(const std::string& agency_id, std::string_view column) {
    return {"inbound_secrets", agency_id, column};
}

std::optional<std::string> sealed_optional(const std::optional<std::string>& secret,
                                           const SecretSlot& slot,
                                           const PersonalDataCipher* cipher) {
    if (!secret) return std::nullopt;
    return seal_secret(*secret, slot, cipher);
}

std::optional<std::string> opened_optional(const std::optional<std::string>& stored,
                                           const SecretSlot& slot,
                                           const PersonalDataCipher* cipher) {
    if (!stored) return std::nullopt;
    return open_secret(*stored, slot, cipher);
}

std::vector<std::string> event_types_column(const Statement& s, int column) {
    std::vector<std::string> out;
    const auto types = nlohmann::json::parse(s.text(column), nullptr, false);
    if (!types.is_array()) throw StorageError("stored webhook_endpoints.event_types_json is bad");
    for (const auto& type : types) {
        if (!type.is_string())
            throw StorageError("stored webhook_endpoints.event_types_json is bad");
        out.push_back(type.get<std::string>());
    }
    return out;
}

WebhookEndpoint endpoint_row(const Statement& s, const PersonalDataCipher* cipher) {
    WebhookEndpoint e;
    e.id = s.text(0);
    e.agency_id = s.text(1);
    e.url = s.text(2);
    e.event_types = event_types_column(s, 3);
    e.secret = open_secret(s.text(4), endpoint_slot(e.id, "secret"), cipher);
    e.previous_secret =
        opened_optional(s.optional_text(5), endpoint_slot(e.id, "previous_secret"), cipher);
    e.previous_secret_until = optional_time_column(s, 6, "webhook_endpoints.previous_secret_until");
    e.enabled = s.int64(7) != 0;
    e.disabled_reason = s.optional_text(8);
    e.created_at = time_column(s, 9, "webhook_endpoints.created_at");
    e.updated_at = time_column(s, 10, "webhook_endpoints.updated_at");
    return e;
}

#define DELIVERY_COLUMNS                                                                      \
    "d.sequence, d.id, d.endpoint_id, d.agency_id, d.event_type, d.ordering_key, d.payload, " \
    "d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status_code, "        \
    "d.last_error, d.created_at, d.delivered_at"

WebhookDelivery delivery_row(const Statement& s) {
    WebhookDelivery d;
    d.sequence = s.int64(0);
    d.id = s.text(1);
    d.endpoint_id = s.text(2);
    d.agency_id = s.text(3);
    d.event_type = s.text(4);
    d.ordering_key = s.text(5);
    d.payload = s.text(6);
    const auto status = parse_delivery_status(s.text(7));
    if (!status) throw StorageError("stored webhook_deliveries.status has an unknown value");
    d.status = *status;
    d.attempts = static_cast<int>(s.int64(8));
    d.next_attempt_at = time_column(s, 9, "webhook_deliveries.next_attempt_at");
    d.last_attempt_at = optional_time_column(s, 10, "webhook_deliveries.last_attempt_at");
    if (auto code = s.optional_int64(11)) d.last_status_code = static_cast<int>(*code);
    d.last_error = s.optional_text(12);
    d.created_at = time_column(s, 13, "webhook_deliveries.created_at");
    d.delivered_at = optional_time_column(s, 14, "webhook_deliveries.delivered_at");
    return d;
}

std::vector<WebhookDelivery> delivery_rows(sqlite::Query& q) {
    std::vector<WebhookDelivery> out;
    while (q->step()) out.push_back(delivery_row(*q));
    return out;
}

// The ids of the agency's endpoints that take this event type. Reads no secret: enqueueing
// needs no data key and decrypts nothing.
std::vector<std::string> subscribed_endpoints(Connection& c, const std::string& agency_id,
                                              const std::string& type) {
    std::vector<std::string> out;
    auto q = c.query(
        "SELECT id, event_types_json FROM webhook_endpoints WHERE agency_id = ? AND deleted = 0 "
        "ORDER BY id");
    q->bind_all(agency_id);
    while (q->step()) {
        const auto types = event_types_column(*q, 1);
        if (types.empty() || std::find(types.begin(), types.end(), type) != types.end()) {
            out.push_back(q->text(0));
        }
    }
    return out;
}

// One outbox row per subscribed endpoint of these agencies. Disabled endpoints get rows
// too: they wait, and flow once the endpoint is enabled again, so nothing is lost while a
// partner fixes its receiver.
// The payload is built only once an endpoint wants it: most events of an agency without a
// webhook endpoint would otherwise pay for a JSON document nobody reads.
void enqueue(Connection& c, const std::vector<std::string>& agencies, const std::string& type,
             const std::string& ordering_key, const std::function<std::string()>& make_payload,
             Timestamp at) {
    std::optional<std::string> payload;
    for (const auto& agency : agencies) {
        for (const auto& endpoint_id : subscribed_endpoints(c, agency, type)) {
            if (!payload) payload = make_payload();
            auto q = c.query(
                "INSERT INTO webhook_deliveries (id, endpoint_id, agency_id, event_type, "
                "ordering_key, payload, status, attempts, next_attempt_at, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)");
            q->bind_all(new_message_id(c), endpoint_id, agency, type, ordering_key, *payload,
                        time_text(at), time_text(at));
            q->run();
        }
    }
}

// The agencies working the ticket's case: recipients of its tickets that were neither
// rejected nor cancelled.
std::vector<std::string> case_agencies(Connection& c, const domain::Ticket& ticket) {
    auto q = c.query(
        "SELECT DISTINCT t.recipient_agency FROM tickets t JOIN clues c ON c.id = t.clue_id "
        "WHERE c.case_id = (SELECT case_id FROM clues WHERE id = ?) "
        "AND t.status <> 'rejected' AND t.status <> 'cancelled' ORDER BY 1");
    q->bind_all(ticket.clue_id);
    std::vector<std::string> out;
    while (q->step()) out.push_back(q->text(0));
    return out;
}

}  // namespace

void enqueue_ticket_event(Connection& c, const domain::TicketEvent& event,
                          const domain::Ticket& ticket) {
    const auto type = domain::webhook_type_for_event(event.type);
    if (!type) return;
    std::vector<std::string> agencies;
    switch (domain::webhook_audience(event.type)) {
        case domain::WebhookAudience::recipient:
            agencies.push_back(ticket.recipient_agency);
            break;
        case domain::WebhookAudience::case_agencies:
            agencies = case_agencies(c, ticket);
            break;
        case domain::WebhookAudience::parties:
            agencies.push_back(ticket.sender_agency);
            if (ticket.recipient_agency != ticket.sender_agency) {
                agencies.push_back(ticket.recipient_agency);
            }
            // The agency an overdue ticket was escalated to follows it from then on, and is
            // told.
            if (ticket.escalated_to && *ticket.escalated_to != ticket.sender_agency &&
                *ticket.escalated_to != ticket.recipient_agency) {
                agencies.push_back(*ticket.escalated_to);
            }
            break;
    }
    enqueue(
        c, agencies, *type, "ticket:" + ticket.id,
        [&] { return domain::ticket_webhook_payload(*type, event, ticket).dump(); }, event.at);
}

void enqueue_clue_event(Connection& c, const std::string& type, const std::string& clue_id,
                        Timestamp at) {
    auto q = c.query("SELECT sender_agency, status FROM clues WHERE id = ?");
    q->bind_all(clue_id);
    if (!q->step()) throw StorageError("no clue to tell of");
    const std::string sender = q->text(0);
    const std::string status = q->text(1);
    enqueue(
        c, {sender}, type, "clue:" + clue_id,
        [&] { return domain::clue_webhook_payload(type, clue_id, status, sender, at).dump(); }, at);
}

void insert_endpoint(Connection& c, const PersonalDataCipher* cipher, const WebhookEndpoint& e) {
    auto q = c.query("INSERT INTO webhook_endpoints (" ENDPOINT_COLUMNS
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q->bind_all(e.id, e.agency_id, e.url, nlohmann::json(e.event_types).dump(),
                seal_secret(e.secret, endpoint_slot(e.id, "secret"), cipher),
                sealed_optional(e.previous_secret, endpoint_slot(e.id, "previous_secret"), cipher),
                time_text(e.previous_secret_until), e.enabled, e.disabled_reason,
                time_text(e.created_at), time_text(e.updated_at));
    q->run();
}

bool update_endpoint(Connection& c, const PersonalDataCipher* cipher, const WebhookEndpoint& e) {
    auto q = c.query(
        "UPDATE webhook_endpoints SET url = ?, event_types_json = ?, secret = ?, "
        "previous_secret = ?, previous_secret_until = ?, enabled = ?, disabled_reason = ?, "
        "updated_at = ? WHERE id = ? AND deleted = 0");
    q->bind_all(e.url, nlohmann::json(e.event_types).dump(),
                seal_secret(e.secret, endpoint_slot(e.id, "secret"), cipher),
                sealed_optional(e.previous_secret, endpoint_slot(e.id, "previous_secret"), cipher),
                time_text(e.previous_secret_until), e.enabled, e.disabled_reason,
                time_text(e.updated_at), e.id);
    q->run();
    return c.changes() == 1;
}

bool delete_endpoint(Connection& c, const std::string& id) {
    // Kept as a tombstone: its delivery log still refers to it. Pending messages go with it.
    auto q = c.query(
        "UPDATE webhook_endpoints SET deleted = 1, enabled = 0 WHERE id = ? AND deleted = 0");
    q->bind_all(id);
    q->run();
    if (c.changes() != 1) return false;
    auto drop = c.query(
        "UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint deleted' "
        "WHERE endpoint_id = ? AND status = 'pending'");
    drop->bind_all(id);
    drop->run();
    return true;
}

std::optional<WebhookEndpoint> find_endpoint(Connection& c, const PersonalDataCipher* cipher,
                                             const std::string& id) {
    auto q =
        c.query("SELECT " ENDPOINT_COLUMNS " FROM webhook_endpoints WHERE id = ? AND deleted = 0");
    q->bind_all(id);
    if (!q->step()) return std::nullopt;
    return endpoint_row(*q, cipher);
}

std::vector<WebhookEndpoint> endpoints(Connection& c, const PersonalDataCipher* cipher,
                                       const std::optional<std::string>& agency_id) {
    std::vector<WebhookEndpoint> out;
    if (agency_id) {
        auto q = c.query("SELECT " ENDPOINT_COLUMNS
                         " FROM webhook_endpoints WHERE agency_id = ? AND deleted = 0 ORDER BY id");
        q->bind_all(*agency_id);
        while (q->step()) out.push_back(endpoint_row(*q, cipher));
    } else {
        auto q = c.query("SELECT " ENDPOINT_COLUMNS
                         " FROM webhook_endpoints WHERE deleted = 0 ORDER BY id");
        while (q->step()) out.push_back(endpoint_row(*q, cipher));
    }
    return out;
}

void record_attempt(Connection& c, const DeliveryAttempt& a) {
    if (a.delivered) {
        auto q = c.query(
            "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, "
            "last_attempt_at = ?, last_status_code = ?, last_error = NULL, delivered_at = ? "
            "WHERE id = ? AND status = 'pending'");
        q->bind_all(time_text(a.at), a.status_code, time_text(a.at), a.delivery_id);
        q->run();
        return;
    }
    auto q = c.query(
        "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_attempt_at = ?, "
        "last_status_code = ?, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at) "
        "WHERE id = ? AND status = 'pending'");
    q->bind_all(a.retry_at ? "pending" : "failed", time_text(a.at), a.status_code, a.error,
                time_text(a.retry_at), a.delivery_id);
    q->run();
    if (a.endpoint_gone) {
        auto off = c.query(
            "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ? "
            "WHERE id = (SELECT endpoint_id FROM webhook_deliveries WHERE id = ?)");
        off->bind_all("the endpoint answered 410 Gone", time_text(a.at), a.delivery_id);
        off->run();
    }
}

bool retry_delivery(Connection& c, const std::string& id, Timestamp at) {
    auto q = c.query(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ? "
        "WHERE id = ? AND status = 'failed'");
    q->bind_all(time_text(at), id);
    q->run();
    return c.changes() == 1;
}

std::optional<WebhookDelivery> find_delivery(Connection& c, const std::string& id) {
    auto q = c.query("SELECT " DELIVERY_COLUMNS " FROM webhook_deliveries d WHERE d.id = ?");
    q->bind_all(id);
    if (!q->step()) return std::nullopt;
    return delivery_row(*q);
}

std::vector<WebhookDelivery> due_deliveries(Connection& c, Timestamp now, int per_endpoint,
                                            int limit) {
    // For each enabled endpoint, its oldest due lane heads (the oldest pending row of an
    // (endpoint, ordering key) lane), at most per_endpoint of them, read in due order from
    // the endpoint's own index so that a backlog elsewhere costs nothing here. Then every
    // endpoint's first turn before any endpoint's second: a slow endpoint with thousands of
    // due rows fills its own turns, never another endpoint's place in the batch.
    auto q = c.query(
        "SELECT " DELIVERY_COLUMNS
        " FROM webhook_endpoints e JOIN webhook_deliveries d ON d.sequence IN ("
        "  SELECT p.sequence FROM webhook_deliveries p"
        "  WHERE p.endpoint_id = e.id AND p.status = 'pending' AND p.next_attempt_at <= ?"
        "  AND p.sequence = (SELECT min(l.sequence) FROM webhook_deliveries l"
        "    WHERE l.endpoint_id = p.endpoint_id AND l.ordering_key = p.ordering_key"
        "    AND l.status = 'pending')"
        "  ORDER BY p.next_attempt_at, p.sequence LIMIT ?) "
        "WHERE e.enabled = 1 AND e.deleted = 0 "
        "ORDER BY row_number() OVER (PARTITION BY e.id ORDER BY d.next_attempt_at, d.sequence), "
        "d.next_attempt_at, d.sequence LIMIT ?");
    q->bind_all(time_text(now), std::int64_t{std::clamp(per_endpoint, 1, 1000)},
                std::int64_t{std::clamp(limit, 1, 1000)});
    return delivery_rows(q);
}

std::optional<Timestamp> next_delivery_due(Connection& c) {
    auto q = c.query(
        "SELECT min(d.next_attempt_at) FROM webhook_deliveries d JOIN webhook_endpoints e "
        "ON e.id = d.endpoint_id WHERE d.status = 'pending' AND e.enabled = 1");
    if (!q->step() || q->is_null(0)) return std::nullopt;
    return time_column(*q, 0, "webhook_deliveries.next_attempt_at");
}

std::vector<WebhookDelivery> list_deliveries(Connection& c, const DeliveryQuery& query) {
    const std::string after = query.after_id.value_or("");
    const std::int64_t limit = std::clamp(query.limit, 1, 201);
    // Fixed texts, one per filter combination; ids sort like creation ("msg_" + random
    // would not, so the cursor is the sequence, kept as text).
    const std::int64_t after_seq = after.empty() ? 0 : std::stoll(after);
    const std::string status = query.status ? std::string(to_string(*query.status)) : "";
    if (query.agency_id) {
        auto q = c.query("SELECT " DELIVERY_COLUMNS
                         " FROM webhook_deliveries d WHERE d.agency_id = ? AND (? = '' OR "
                         "d.status = ?) AND d.sequence > ? ORDER BY d.sequence LIMIT ?");
        q->bind_all(*query.agency_id, status, status, after_seq, limit);
        return delivery_rows(q);
    }
    auto q = c.query("SELECT " DELIVERY_COLUMNS
                     " FROM webhook_deliveries d WHERE (? = '' OR d.status = ?) AND "
                     "d.sequence > ? ORDER BY d.sequence LIMIT ?");
    q->bind_all(status, status, after_seq, limit);
    return delivery_rows(q);
}

void upsert_inbound_secret(Connection& c, const PersonalDataCipher* cipher,
                           const InboundSecret& s) {
    auto q = c.query(
        "INSERT INTO inbound_secrets (agency_id, secret, previous_secret, previous_secret_until, "
        "created_at, id, previous_id, created_by_key, created_by_agency, "
        "previous_created_by_agency) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agency_id) DO UPDATE SET "
        "secret = excluded.secret, previous_secret = excluded.previous_secret, "
        "previous_secret_until = excluded.previous_secret_until, created_at = excluded.created_at, "
        "id = excluded.id, previous_id = excluded.previous_id, "
        "created_by_key = excluded.created_by_key, created_by_agency = excluded.created_by_agency, "
        "previous_created_by_agency = excluded.previous_created_by_agency");
    q->bind_all(
        s.agency_id, seal_secret(s.secret, inbound_slot(s.agency_id, "secret"), cipher),
        sealed_optional(s.previous_secret, inbound_slot(s.agency_id, "previous_secret"), cipher),
        time_text(s.previous_secret_until), time_text(s.created_at), s.id, s.previous_id,
        s.created_by_key, s.created_by_agency, s.previous_created_by_agency);
    q->run();
}

std::optional<InboundSecret> find_inbound_secret(Connection& c, const PersonalDataCipher* cipher,
                                                 const std::string& agency_id) {
    auto q = c.query(
        "SELECT agency_id, secret, previous_secret, previous_secret_until, created_at, id, "
        "previous_id, created_by_key, created_by_agency, previous_created_by_agency "
        "FROM inbound_secrets WHERE agency_id = ?");
    q->bind_all(agency_id);
    if (!q->step()) return std::nullopt;
    const std::string agency = q->text(0);
    return InboundSecret{
        agency,
        open_secret(q->text(1), inbound_slot(agency, "secret"), cipher),
        opened_optional(q->optional_text(2), inbound_slot(agency, "previous_secret"), cipher),
        optional_time_column(*q, 3, "inbound_secrets.previous_secret_until"),
        time_column(*q, 4, "inbound_secrets.created_at"),
        q->optional_text(5).value_or(""),
        q->optional_text(6),
        q->optional_text(7),
        q->optional_text(8),
        q->optional_text(9)};
}

std::optional<InboundAnswer> find_inbound_answer(Connection& c, const PersonalDataCipher* cipher,
                                                 const std::string& agency_id,
                                                 const std::string& webhook_id) {
    auto q = c.query(
        "SELECT status, body, request_hash FROM inbound_messages "
        "WHERE agency_id = ? AND webhook_id = ?");
    q->bind_all(agency_id, webhook_id);
    if (!q->step()) return std::nullopt;
    return InboundAnswer{static_cast<int>(q->int64(0)),
                         sqlite_sealed_texts::open(
                             q->text(1), "inbound_messages",
                             sqlite_sealed_texts::row_of(agency_id, webhook_id), "body", cipher),
                         q->optional_text(2)};
}

void insert_inbound_answer(Connection& c, const PersonalDataCipher* cipher,
                           const std::string& agency_id, const std::string& webhook_id,
                           const InboundAnswer& answer, Timestamp at) {
    auto q = c.query(
        "INSERT INTO inbound_messages (agency_id, webhook_id, status, body, received_at, "
        "request_hash) VALUES (?, ?, ?, ?, ?, ?)");
    q->bind_all(agency_id, webhook_id, answer.status,
                sqlite_sealed_texts::seal(answer.body, "inbound_messages",
                                          sqlite_sealed_texts::row_of(agency_id, webhook_id),
                                          "body", cipher),
                time_text(at), answer.request_hash);
    q->run();
}

}  // namespace clue_router::storage::sqlite_webhooks

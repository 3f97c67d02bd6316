// Webhook secrets at rest: what the database file holds is sealed, bound to its row and
// column; rows from before sealing still read, and key rotation reseals everything so the
// old key can go.
#include <catch2/catch.hpp>

#include "clue_router/storage/sealed_secrets.hpp"
#include "clue_router/storage/sqlite.hpp"
#include "clue_router/storage/sqlite_store.hpp"
#include "storage/storage_test_support.hpp"

using namespace clue_router;
using namespace clue_router::storage;
using namespace clue_router::storage::test;

namespace {

// Shaped like the service's secrets ("whsec_" + base64 of 32 random bytes); distinct per use.
std::string secret_for(const std::string& what) {
    return "whsec_" + std::string(43 - what.size(), 'A') + what + "=";
}

WebhookEndpoint endpoint(const std::string& id, const std::string& agency) {
    WebhookEndpoint e;
    e.id = id;
    e.agency_id = agency;
    e.url = "https://hooks.example.org/" + id;
    e.secret = secret_for(id + "cur");
    e.previous_secret = secret_for(id + "prev");
    e.previous_secret_until = at(120);
    e.created_at = at(0);
    e.updated_at = at(0);
    return e;
}

InboundSecret inbound(const std::string& agency) {
    return InboundSecret{agency, secret_for(agency + "cur"), secret_for(agency + "prev"), at(120),
                         at(0)};
}

sqlite::Connection raw(const TempDir& dir) {
    return sqlite::Connection(dir.db(), sqlite::Connection::Mode::read_write_create, 1000);
}

// (secret, previous_secret) exactly as the file holds them.
std::pair<std::string, std::string> raw_secrets(const TempDir& dir, const std::string& table,
                                                const std::string& id) {
    auto c = raw(dir);
    // Fixed texts per table: identifiers are never bound.
    auto q = c.query(table == "webhook_endpoints"
                         ? "SELECT secret, coalesce(previous_secret, '') FROM webhook_endpoints "
                           "WHERE id = ?"
                         : "SELECT secret, coalesce(previous_secret, '') FROM inbound_secrets "
                           "WHERE agency_id = ?");
    q->bind_all(id);
    REQUIRE(q->step());
    return {q->text(0), q->text(1)};
}

// The secret's random part: what must not be found in the file.
std::string body_of(const std::string& secret) {
    return secret.substr(6);
}

void write_both(Store& store, const WebhookEndpoint& e, const InboundSecret& s) {
    write_and_wait(store, [&](WriteTransaction& tx) {
        tx.insert_webhook_endpoint(e);
        tx.upsert_inbound_secret(s);
    });
}

}  // namespace

TEST_CASE("webhook secrets are sealed at rest and read back clear", "[storage][sealed]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    const WebhookEndpoint e = endpoint("whe_1", "proc-511702");
    const InboundSecret s = inbound("proc-511702");
    write_both(*store, e, s);

    const std::string sealed_prefix = "cr1." + test_keyring()->current_key_id() + ".";
    for (const auto& [stored, clear] :
         {std::pair{raw_secrets(dir, "webhook_endpoints", "whe_1"),
                    std::pair{e.secret, *e.previous_secret}},
          std::pair{raw_secrets(dir, "inbound_secrets", "proc-511702"),
                    std::pair{s.secret, *s.previous_secret}}}) {
        CHECK(stored.first.rfind(sealed_prefix, 0) == 0);
        CHECK(stored.second.rfind(sealed_prefix, 0) == 0);
        for (const std::string& column : {stored.first, stored.second}) {
            CHECK(column.find(body_of(clear.first)) == std::string::npos);
            CHECK(column.find(body_of(clear.second)) == std::string::npos);
        }
    }

    // Every read path gives the clear secret back.
    auto reader = store->reader();
    const auto found = reader->find_webhook_endpoint("whe_1");
    REQUIRE(found.has_value());
    CHECK(found->secret == e.secret);
    CHECK(found->previous_secret == e.previous_secret);
    const auto listed = reader->webhook_endpoints(std::string("proc-511702"));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].secret == e.secret);
    const auto in = reader->find_inbound_secret("proc-511702");
    REQUIRE(in.has_value());
    CHECK(in->secret == s.secret);
    CHECK(in->previous_secret == s.previous_secret);
    write_and_wait(*store, [&](WriteTransaction& tx) {
        CHECK(tx.find_webhook_endpoint("whe_1")->secret == e.secret);
        CHECK(tx.find_inbound_secret("proc-511702")->previous_secret == s.previous_secret);
        // A rotation without overlap drops the previous secret; the new one is sealed too.
        WebhookEndpoint changed = e;
        changed.secret = secret_for("rotated");
        changed.previous_secret.reset();
        changed.previous_secret_until.reset();
        CHECK(tx.update_webhook_endpoint(changed));
    });
    const auto stored = raw_secrets(dir, "webhook_endpoints", "whe_1");
    CHECK(stored.first.rfind(sealed_prefix, 0) == 0);
    CHECK(stored.first.find(body_of(secret_for("rotated"))) == std::string::npos);
    CHECK(stored.second.empty());
    CHECK(reader->find_webhook_endpoint("whe_1")->secret == secret_for("rotated"));
    CHECK_FALSE(reader->find_webhook_endpoint("whe_1")->previous_secret);
}

TEST_CASE("a sealed secret moved to another row, column or table does not open",
          "[storage][sealed]") {
    TempDir dir;
    const WebhookEndpoint e1 = endpoint("whe_1", "proc-511702");
    const WebhookEndpoint e2 = endpoint("whe_2", "proc-511702");
    {
        auto store = open_sqlite_store(options_for(dir));
        write_both(*store, e1, inbound("proc-511702"));
        write_and_wait(*store, [&](WriteTransaction& tx) {
            tx.insert_webhook_endpoint(e2);
            tx.upsert_inbound_secret(inbound("proc-510104"));
        });
    }
    {
        // Someone with the file copies sealed values around: whe_1's secret over whe_2's, whe_1's
        // previous secret into its current one, and an endpoint's secret over an agency's.
        auto c = raw(dir);
        c.exec(
            "UPDATE webhook_endpoints SET secret = (SELECT secret FROM webhook_endpoints "
            "WHERE id = 'whe_1') WHERE id = 'whe_2'");
        c.exec("UPDATE webhook_endpoints SET secret = previous_secret WHERE id = 'whe_1'");
        c.exec(
            "UPDATE inbound_secrets SET secret = (SELECT previous_secret FROM webhook_endpoints "
            "WHERE id = 'whe_2') WHERE agency_id = 'proc-510104'");
    }
    auto store = open_sqlite_store(options_for(dir));
    auto reader = store->reader();
    const auto refused = [&](auto read, const std::string& names, const std::string& secret) {
        try {
            (void)read();
            FAIL("a moved secret opened");
        } catch (const StorageError& err) {
            const std::string what = err.what();
            INFO(what);
            CHECK(what.find(names) != std::string::npos);
            CHECK(what.find("does not decrypt") != std::string::npos);
            CHECK(what.find(body_of(secret)) == std::string::npos);
        }
    };
    refused([&] { return reader->find_webhook_endpoint("whe_2"); },
            "webhook_endpoints.secret of whe_2", e1.secret);
    refused([&] { return reader->find_webhook_endpoint("whe_1"); },
            "webhook_endpoints.secret of whe_1", *e1.previous_secret);
    refused([&] { return reader->find_inbound_secret("proc-510104"); },
            "inbound_secrets.secret of proc-510104", *e2.previous_secret);
    // Listing fails as a whole rather than hand out a secret that is not the row's.
    CHECK_THROWS_AS(reader->webhook_endpoints(std::nullopt), StorageError);
    // What was not touched still opens.
    CHECK(reader->find_inbound_secret("proc-511702")->secret == inbound("proc-511702").secret);
}

TEST_CASE("secrets written before sealing still read, and rotation seals them",
          "[storage][sealed]") {
    TempDir dir;
    { open_sqlite_store(options_for(dir)); }
    {
        // Rows as the previous release wrote them: the secrets in clear.
        auto c = raw(dir);
        for (const std::string id : {"whe_1", "whe_2", "whe_3"}) {
            auto q = c.query(
                "INSERT INTO webhook_endpoints (id, agency_id, url, event_types_json, secret, "
                "previous_secret, enabled, deleted, created_at, updated_at) VALUES (?, "
                "'proc-511702', 'https://hooks.example.org/', '[]', ?, ?, 1, ?, "
                "'2026-11-20T01:12:00Z', '2026-11-20T01:12:00Z')");
            // whe_3 is deleted: a tombstone's secret may still be trusted, so it is sealed too.
            q->bind_all(
                id, endpoint(id, "x").secret,
                id == "whe_2" ? std::optional<std::string>() : endpoint(id, "x").previous_secret,
                id == "whe_3" ? 1 : 0);
            q->run();
        }
        auto q = c.query(
            "INSERT INTO inbound_secrets (agency_id, secret, created_at) VALUES (?, ?, "
            "'2026-11-20T01:12:00Z')");
        q->bind_all("proc-511702", inbound("proc-511702").secret);
        q->run();
    }
    auto store = open_sqlite_store(options_for(dir));
    auto reader = store->reader();
    CHECK(reader->find_webhook_endpoint("whe_1")->secret == endpoint("whe_1", "x").secret);
    CHECK(reader->find_webhook_endpoint("whe_1")->previous_secret ==
          endpoint("whe_1", "x").previous_secret);
    CHECK(reader->find_inbound_secret("proc-511702")->secret == inbound("proc-511702").secret);

    int moved = 0;
    write_and_wait(*store, [&](WriteTransaction& tx) { moved = tx.reseal_sealed_columns(1); });
    CHECK(moved == 1);  // the limit counts values
    write_and_wait(*store, [&](WriteTransaction& tx) { moved = tx.reseal_sealed_columns(200); });
    CHECK(moved == 5);  // the rest: whe_1's two, whe_2's one, whe_3's two, the agency's one
    write_and_wait(*store, [&](WriteTransaction& tx) { moved = tx.reseal_sealed_columns(200); });
    CHECK(moved == 0);

    const std::string sealed_prefix = "cr1." + test_keyring()->current_key_id() + ".";
    for (const std::string id : {"whe_1", "whe_2", "whe_3"}) {
        const auto [secret, previous] = raw_secrets(dir, "webhook_endpoints", id);
        CHECK(secret.rfind(sealed_prefix, 0) == 0);
        CHECK(secret.find(body_of(endpoint(id, "x").secret)) == std::string::npos);
        CHECK((id == "whe_2" ? previous.empty() : previous.rfind(sealed_prefix, 0) == 0));
    }
    CHECK(raw_secrets(dir, "inbound_secrets", "proc-511702").first.rfind(sealed_prefix, 0) == 0);
    CHECK(reader->find_webhook_endpoint("whe_1")->secret == endpoint("whe_1", "x").secret);
    CHECK(reader->find_webhook_endpoint("whe_2")->secret == endpoint("whe_2", "x").secret);
    CHECK_FALSE(reader->find_webhook_endpoint("whe_2")->previous_secret);
    CHECK(reader->find_inbound_secret("proc-511702")->secret == inbound("proc-511702").secret);
}

TEST_CASE("rotation reseals secrets sealed under the old key, which can then be removed",
          "[storage][sealed]") {
    TempDir dir;
    const std::string first = service::DataKeyring::with_new_data_key("", domain::Timestamp{});
    const auto key_a = service::DataKeyring::parse(first);
    auto options = options_for(dir);
    options.cipher = key_a;
    const WebhookEndpoint e = endpoint("whe_1", "proc-511702");
    const InboundSecret s = inbound("proc-511702");
    { write_both(*open_sqlite_store(options), e, s); }
    CHECK(raw_secrets(dir, "webhook_endpoints", "whe_1")
              .first.rfind("cr1." + key_a->current_key_id() + ".", 0) == 0);

    const std::string second = service::DataKeyring::with_new_data_key(first, domain::Timestamp{});
    const std::string only_b = without_key(second, key_a->current_key_id());
    {
        // Removed too early, the old key takes the secrets with it, and the error says why.
        options.cipher = service::DataKeyring::parse(only_b);
        auto store = open_sqlite_store(options);
        try {
            (void)store->reader()->find_webhook_endpoint("whe_1");
            FAIL("a secret opened without its key");
        } catch (const StorageError& err) {
            CHECK(std::string(err.what()).find(key_a->current_key_id()) != std::string::npos);
        }
    }
    const auto both = service::DataKeyring::parse(second);
    options.cipher = both;
    {
        auto store = open_sqlite_store(options);
        int moved = 0;
        write_and_wait(*store,
                       [&](WriteTransaction& tx) { moved = tx.reseal_sealed_columns(200); });
        CHECK(moved == 4);
        write_and_wait(*store,
                       [&](WriteTransaction& tx) { moved = tx.reseal_sealed_columns(200); });
        CHECK(moved == 0);
    }
    options.cipher = service::DataKeyring::parse(only_b);
    auto store = open_sqlite_store(options);
    auto reader = store->reader();
    CHECK(reader->find_webhook_endpoint("whe_1")->secret == e.secret);
    CHECK(reader->find_webhook_endpoint("whe_1")->previous_secret == e.previous_secret);
    CHECK(reader->find_inbound_secret("proc-511702")->secret == s.secret);
    CHECK(reader->find_inbound_secret("proc-511702")->previous_secret == s.previous_secret);
    for (const std::string& stored : {raw_secrets(dir, "webhook_endpoints", "whe_1").second,
                                      raw_secrets(dir, "inbound_secrets", "proc-511702").first}) {
        CHECK(stored.rfind("cr1." + both->current_key_id() + ".", 0) == 0);
    }
}

TEST_CASE("without a data key no secret is written or opened, yet events are still queued",
          "[storage][sealed]") {
    TempDir dir;
    {
        auto store = open_sqlite_store(options_for(dir));
        write_both(*store, endpoint("whe_1", "r"), inbound("r"));
        write_and_wait(*store, [&](WriteTransaction& tx) {
            insert_in_case(tx, stored_clue("c1", "s"));
            tx.insert_ticket(ticket("t1", "c1", "s", "r"));
        });
    }
    auto options = options_for(dir);
    options.cipher = nullptr;
    auto store = open_sqlite_store(options);
    CHECK_THROWS_AS(write_and_wait(*store,
                                   [&](WriteTransaction& tx) {
                                       tx.insert_webhook_endpoint(endpoint("whe_2", "r"));
                                   }),
                    StorageError);
    CHECK_THROWS_AS(
        write_and_wait(*store,
                       [&](WriteTransaction& tx) { tx.upsert_inbound_secret(inbound("s")); }),
        StorageError);
    CHECK_FALSE(store->reader()->find_webhook_endpoint("whe_2").has_value());
    CHECK_FALSE(store->reader()->find_inbound_secret("s").has_value());
    try {
        (void)store->reader()->find_inbound_secret("r");
        FAIL("a sealed secret opened without a key");
    } catch (const StorageError& err) {
        CHECK(std::string(err.what()).find("no data key") != std::string::npos);
    }

    // Queueing a ticket's webhook reads the endpoints' subscriptions, not their secrets.
    write_and_wait(*store, [&](WriteTransaction& tx) {
        domain::TicketEvent ev;
        ev.ticket_id = "t1";
        ev.type = "ticket.accepted";
        ev.from_status = "pending";
        ev.to_status = "accepted";
        ev.actor_agency = "r";
        ev.actor_key = "key_r";
        ev.at = at(3);
        tx.append_event(ev);
    });
    const auto queued = store->reader()->list_deliveries(DeliveryQuery{});
    REQUIRE(queued.size() == 1);
    CHECK(queued[0].endpoint_id == "whe_1");
    CHECK(queued[0].event_type == "ticket.accepted");
}

TEST_CASE("a secret's context names its table, column and row", "[storage][sealed]") {
    CHECK(secret_context({"webhook_endpoints", "whe_1", "secret"}) ==
          "secret/webhook_endpoints/secret/whe_1");
    CHECK(secret_context({"inbound_secrets", "proc-511702", "previous_secret"}) ==
          "secret/inbound_secrets/previous_secret/proc-511702");
    // No row id can make one slot's context another's.
    CHECK(secret_context({"webhook_endpoints", "x/previous", "secret"}) !=
          secret_context({"webhook_endpoints", "x", "previous_secret"}));
    // A value written before sealing is recognised as clear; an envelope is not.
    CHECK(secret_needs_reseal("whsec_abc", *test_keyring()));
    const std::string sealed =
        seal_secret("whsec_abc", {"inbound_secrets", "a", "secret"}, test_keyring().get());
    CHECK_FALSE(secret_needs_reseal(sealed, *test_keyring()));
    CHECK(open_secret(sealed, {"inbound_secrets", "a", "secret"}, test_keyring().get()) ==
          "whsec_abc");
    CHECK(open_secret("whsec_abc", {"inbound_secrets", "a", "secret"}, nullptr) == "whsec_abc");
}

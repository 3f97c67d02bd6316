// Outbound and inbound webhooks against the real binary: signatures checked by the npm
// package standardwebhooks (an independent implementation), delivery through failures and
// a restart, dead letters and manual retry, and inbound transitions signed by an agency.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/certificate.hpp"
#include "integration/support/test_server.hpp"
#include "integration/support/webhook_receiver.hpp"

using namespace clue_router::it;

namespace {

const std::string kProcuratorate = "proc-511702";

// Short schedule and fast polling: tests wait for events, never for wall-clock limits.
Environment fast_webhooks(const std::string& schedule = "1,1,1,1,1,1,1,1") {
    return {{"CLUE_ROUTER_WEBHOOK_POLL_INTERVAL_MS", "50"},
            {"CLUE_ROUTER_WEBHOOK_RETRY_SCHEDULE_SECONDS", schedule},
            {"CLUE_ROUTER_WEBHOOK_TIMEOUT_MS", "1000"}};
}

std::string interop_script() {
    return source_dir() + "/tests/interop/standard_webhooks.mjs";
}

json register_endpoint(HttpClient& c, const std::string& key, const std::string& url,
                       json event_types = json::array()) {
    Response r = c.post("/v1/webhook-endpoints",
                        json{{"url", url}, {"event_types", event_types}}.dump(), json_auth(key));
    INFO(describe(r));
    REQUIRE(r.status == 201);
    json body = r.json();
    REQUIRE(body.value("secret", "").rfind("whsec_", 0) == 0);
    return body;
}

// The procuratorate's ticket (routing also opens one to the women's federation for a
// violence victim; tests here follow the procuratorate's).
std::string first_ticket(const Response& submitted) {
    INFO(describe(submitted));
    REQUIRE(submitted.status == 201);
    const json body = submitted.json();  // kept: a loop over a temporary's member dangles
    for (const auto& t : body["tickets"]) {
        if (t["recipient_agency"] == kProcuratorate) return t["id"].get<std::string>();
    }
    FAIL("no ticket to the procuratorate");
    return {};
}

// The procuratorate's ticket, after the sender cancelled every other ticket of the clue, so
// that closing it answers the clue.
std::string sole_ticket(HttpClient& c, const std::string& sender_key, const Response& submitted) {
    const std::string keep = first_ticket(submitted);
    const json body = submitted.json();
    for (const auto& t : body["tickets"]) {
        if (t["id"] == keep) continue;
        REQUIRE(transition(c, sender_key, t["id"], {{"action", "cancel"}}, etag(1)).status == 200);
    }
    return keep;
}

// Runs the npm package over what the receiver got; every message must verify.
void verify_with_standardwebhooks(const TestServer& server, const std::string& secret,
                                  const std::vector<ReceivedWebhook>& messages) {
    REQUIRE_FALSE(messages.empty());
    const std::string file = server.dir() + "/received.jsonl";
    {
        std::ofstream out(file);
        for (const auto& m : messages) out << m.jsonl();
    }
    RunResult r = run({"node", interop_script(), "verify", secret, file}, {}, server.dir(),
                      std::chrono::seconds(30));
    INFO("node stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.success());
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == static_cast<long>(messages.size()));
}

// Headers signed by the npm package for a body sent to clue-router.
Headers signed_by_standardwebhooks(const TestServer& server, const std::string& secret,
                                   const std::string& id, long long timestamp,
                                   const std::string& body) {
    const std::string file = server.dir() + "/inbound-" + id + ".json";
    {
        std::ofstream out(file);
        out << body;
    }
    RunResult r =
        run({"node", interop_script(), "sign", secret, id, std::to_string(timestamp), file}, {},
            server.dir(), std::chrono::seconds(30));
    INFO("node stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.success());
    json h = json::parse(r.out);
    return {{"Content-Type", "application/json"},
            {"webhook-id", h["webhook-id"].get<std::string>()},
            {"webhook-timestamp", h["webhook-timestamp"].get<std::string>()},
            {"webhook-signature", h["webhook-signature"].get<std::string>()}};
}

long long now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The event types of one ticket, in arrival order. Delivery is at least once: a message
// whose reply was lost is sent again with the same webhook-id, and a receiver drops the
// repeat, as this does.
std::vector<std::string> types_of(const std::vector<ReceivedWebhook>& messages,
                                  const std::string& ticket) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& m : messages) {
        if (!seen.insert(m.id).second) continue;
        const json j = m.json();
        if (j["data"].value("ticket_id", "") == ticket) out.push_back(j.value("type", ""));
    }
    return out;
}

}  // namespace

TEST_CASE("outbound webhooks are signed per Standard Webhooks and carry no personal data",
          "[integration][webhooks]") {
    TestServer server(fast_webhooks());
    HttpClient& c = server.client();
    WebhookReceiver receiver;
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    const std::string& hotline = server.key_for(kHotline, "intake");
    const json endpoint = register_endpoint(c, proc, receiver.url());
    const std::string secret = endpoint["secret"];
    // The secret is shown once: listing never shows it again.
    Response listed = get(c, proc, "/v1/webhook-endpoints");
    REQUIRE(listed.status == 200);
    CHECK(listed.body.find(secret.substr(6)) == std::string::npos);

    const json clue = make_clue("511702", "WH-SIGN-1");
    const std::string ticket = first_ticket(submit(c, hotline, clue));
    REQUIRE(transition(c, proc, ticket, {{"action", "accept"}}, etag(1)).status == 200);
    REQUIRE(
        receiver.wait_until([&](const auto& got) { return types_of(got, ticket).size() >= 2; }));

    const auto messages = receiver.accepted();
    CHECK(types_of(messages, ticket) ==
          std::vector<std::string>{"ticket.created", "ticket.accepted"});
    verify_with_standardwebhooks(server, secret, messages);
    for (const auto& m : messages) {
        CHECK(m.id.rfind("msg_", 0) == 0);
        const json body = m.json();
        CHECK(body["data"].value("recipient_agency", "") == kProcuratorate);
        for (const std::string& secret_text :
             {clue["subject"]["name"].get<std::string>(),
              clue["subject"]["phone"].get<std::string>(),
              clue["subject"]["id_number"].get<std::string>(), clue["narrative"].get<std::string>(),
              std::string("13800139999")}) {
            CHECK(m.body.find(secret_text) == std::string::npos);
        }
    }
    // A forged signature is what the npm package refuses too (the check can fail).
    auto forged = messages;
    forged[0].body += " ";
    const std::string file = server.dir() + "/forged.jsonl";
    std::ofstream(file) << forged[0].jsonl();
    CHECK_FALSE(run({"node", interop_script(), "verify", secret, file}, {}, server.dir(),
                    std::chrono::seconds(30))
                    .success());
}

TEST_CASE("a rotated secret signs twice during the overlap", "[integration][webhooks]") {
    TestServer server(fast_webhooks());
    HttpClient& c = server.client();
    WebhookReceiver receiver;
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    const std::string& hotline = server.key_for(kHotline, "intake");
    const json endpoint = register_endpoint(c, proc, receiver.url());
    Response rotated =
        c.post("/v1/webhook-endpoints/" + endpoint["id"].get<std::string>() + "/rotate-secret",
               json{{"overlap_hours", 2}}.dump(), json_auth(proc));
    INFO(describe(rotated));
    REQUIRE(rotated.status == 200);
    const std::string fresh = rotated.json()["secret"];
    CHECK(fresh != endpoint["secret"]);

    const std::string ticket = first_ticket(submit(c, hotline, make_clue("511702", "WH-ROT-1")));
    REQUIRE(receiver.wait_until([&](const auto& got) { return !types_of(got, ticket).empty(); }));
    const auto messages = receiver.accepted();
    CHECK(std::count(messages[0].signature.begin(), messages[0].signature.end(), ' ') == 1);
    // Receivers holding either secret accept it.
    verify_with_standardwebhooks(server, fresh, messages);
    verify_with_standardwebhooks(server, endpoint["secret"], messages);

    // Registering and rotating are audit rows by the agency's key, and no secret is in them.
    const std::string& admin = server.key_for("proc-510000", "admin");
    Response audit = c.get("/v1/audit?limit=200", auth(admin));
    REQUIRE(audit.status == 200);
    const json rows = audit.json()["items"];
    std::vector<std::string> actions;
    for (const auto& row : rows) {
        if (row["record"]["id"] != endpoint["id"]) continue;
        actions.push_back(row["action"]);
        CHECK(row["actor"]["agency"] == kProcuratorate);
    }
    CHECK(actions ==
          std::vector<std::string>{"webhook_endpoint.created", "webhook_endpoint.secret_rotated"});
    CHECK(audit.body.find(fresh.substr(6)) == std::string::npos);
    CHECK(audit.body.find(endpoint["secret"].get<std::string>().substr(6)) == std::string::npos);
}

TEST_CASE("deliveries survive refusals, 500s, a slow receiver, 410 and a restart, in order",
          "[integration][webhooks]") {
    TestServer server(fast_webhooks("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"));
    HttpClient& c = server.client();
    WebhookReceiver receiver;
    receiver.set_slow_delay(std::chrono::milliseconds(2500));
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    const std::string& hotline = server.key_for(kHotline, "intake");
    const json endpoint = register_endpoint(c, proc, receiver.url());
    const std::string endpoint_id = endpoint["id"];

    // The receiver is down: connections are refused while tickets move.
    receiver.stop();
    const std::string t1 = first_ticket(submit(c, hotline, make_clue("511702", "WH-FAIL-1")));
    const std::string t2 = first_ticket(submit(c, hotline, make_clue("511702", "WH-FAIL-2")));
    REQUIRE(transition(c, proc, t1, {{"action", "accept"}}, etag(1)).status == 200);
    REQUIRE(transition(c, proc, t1, {{"action", "start"}}, etag(2)).status == 200);
    REQUIRE(transition(c, proc, t2,
                       {{"action", "reject"},
                        {"reason_code", "wrong_jurisdiction"},
                        {"reason", "不属于本院管辖"}},
                       etag(1))
                .status == 200);

    // It comes back answering 500, then slowly (past the 1 s timeout).
    receiver.set_mode(WebhookReceiver::Mode::fail_500);
    receiver.start();
    REQUIRE(receiver.wait_until([](const auto& got) { return got.size() >= 2; }));
    receiver.set_mode(WebhookReceiver::Mode::slow);
    REQUIRE(receiver.wait_until([](const auto& got) {
        return std::any_of(got.begin(), got.end(), [](const auto& r) { return r.answered == 0; });
    }));

    // The server is restarted in the middle of the retries.
    server.restart();
    HttpClient& c2 = server.client();
    REQUIRE(transition(
                c2, proc, t1,
                {{"action", "hold"}, {"reason_code", "needs_information"}, {"reason", "等待材料"}},
                etag(3))
                .status == 200);
    receiver.set_mode(WebhookReceiver::Mode::ok);
    INFO("received: " << [&] {
        std::string out;
        for (const auto& r : receiver.received()) {
            out += "\n  " + r.id + " " + std::to_string(r.answered) + " " +
                   r.json().value("type", "") + " " + r.json()["data"].value("ticket_id", "");
        }
        return out;
    }());
    REQUIRE(receiver.wait_until([&](const auto& got) {
        std::vector<ReceivedWebhook> ok;
        for (const auto& r : got) {
            if (r.answered == 204) ok.push_back(r);
        }
        return types_of(ok, t1).size() == 4 && types_of(ok, t2).size() == 3;
    }));

    // Every event arrived, each ticket's in order, and the webhook-id of a message stayed the
    // same across its attempts.
    const auto ok = receiver.accepted();
    CHECK(types_of(ok, t1) == std::vector<std::string>{"ticket.created", "ticket.accepted",
                                                       "ticket.started", "ticket.on_hold"});
    // A rejection routes the clue again at once: the rejected ticket says where it went.
    CHECK(types_of(ok, t2) ==
          std::vector<std::string>{"ticket.created", "ticket.rejected", "ticket.rerouted"});
    std::map<std::string, std::set<std::string>> stamps_by_body;
    for (const auto& r : receiver.received()) stamps_by_body[r.body].insert(r.id);
    for (const auto& [body, ids] : stamps_by_body) CHECK(ids.size() == 1);
    verify_with_standardwebhooks(server, endpoint["secret"], ok);

    // 410 Gone disables the endpoint; what follows waits, and flows when it is enabled again.
    receiver.set_mode(WebhookReceiver::Mode::gone_410);
    REQUIRE(transition(c2, proc, t1, {{"action", "resume"}}, etag(4)).status == 200);
    REQUIRE(receiver.wait_until([](const auto& got) { return got.back().answered == 410; }));
    json disabled;
    for (int i = 0; i < 200; ++i) {
        disabled = get(c2, proc, "/v1/webhook-endpoints/" + endpoint_id).json();
        if (!disabled.value("enabled", true)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK_FALSE(disabled.value("enabled", true));
    CHECK(disabled.value("disabled_reason", "").find("410") != std::string::npos);
    receiver.set_mode(WebhookReceiver::Mode::ok);
    Response enabled =
        c2.request(boost::beast::http::verb::patch, "/v1/webhook-endpoints/" + endpoint_id,
                   json{{"enabled", true}}.dump(), json_auth(proc));
    REQUIRE(enabled.status == 200);
    REQUIRE(receiver.wait_until([&](const auto& got) {
        std::vector<ReceivedWebhook> ok2;
        for (const auto& r : got) {
            if (r.answered == 204) ok2.push_back(r);
        }
        return types_of(ok2, t1).size() == 5;
    }));
    CHECK(types_of(receiver.accepted(), t1).back() == "ticket.resumed");
}

TEST_CASE("a spent schedule dead-letters a delivery, and retry sends it again",
          "[integration][webhooks]") {
    TestServer server(fast_webhooks("1,1"));
    HttpClient& c = server.client();
    WebhookReceiver receiver;
    receiver.set_mode(WebhookReceiver::Mode::fail_500);
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    const std::string& hotline = server.key_for(kHotline, "intake");
    register_endpoint(c, proc, receiver.url(), json::array({"ticket.created"}));
    const std::string ticket = first_ticket(submit(c, hotline, make_clue("511702", "WH-DEAD-1")));

    std::vector<json> failed;
    for (int i = 0; i < 500 && failed.empty(); ++i) {
        failed = list_all(c, proc, "/v1/webhook-deliveries", "status=failed");
        if (failed.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].value("attempts", 0) == 3);  // the first try and two retries
    CHECK(failed[0].value("last_status_code", 0) == 500);
    CHECK(failed[0]["payload"]["data"].value("ticket_id", "") == ticket);
    CHECK(receiver.received().size() == 3);
    // Other agencies do not see it.
    const std::string& other = server.key_for("proc-510104", "staff");
    CHECK(list_all(c, other, "/v1/webhook-deliveries").empty());
    CHECK_PROBLEM(c.post("/v1/webhook-deliveries/" + failed[0]["id"].get<std::string>() + "/retry",
                         "", auth(other)),
                  404, "not-found");

    receiver.set_mode(WebhookReceiver::Mode::ok);
    Response retried = c.post(
        "/v1/webhook-deliveries/" + failed[0]["id"].get<std::string>() + "/retry", "", auth(proc));
    INFO(describe(retried));
    REQUIRE(retried.status == 200);
    REQUIRE(receiver.wait_until([](const auto& got) { return got.back().answered == 204; }));
    CHECK(receiver.accepted().at(0).id == failed[0]["id"]);
    CHECK_PROBLEM(c.get("/v1/webhook-deliveries?status=lost", auth(proc)), 400, "bad-request");
}

TEST_CASE("inbound webhooks signed by the agency move its tickets, once per webhook-id",
          "[integration][webhooks]") {
    TestServer server(fast_webhooks());
    HttpClient& c = server.client();
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    const std::string& hotline = server.key_for(kHotline, "intake");
    Response made = c.post("/v1/hooks/" + kProcuratorate + "/secret", "", auth(proc));
    INFO(describe(made));
    REQUIRE(made.status == 200);
    const std::string secret = made.json()["secret"];
    // Nobody else sets this agency's secret.
    CHECK_PROBLEM(c.post("/v1/hooks/" + kProcuratorate + "/secret", "",
                         auth(server.key_for("proc-510104", "staff"))),
                  404, "not-found");

    const std::string ticket =
        sole_ticket(c, hotline, submit(c, hotline, make_clue("511702", "WH-IN-1")));
    const std::string path = "/v1/hooks/" + kProcuratorate;

    // Accept, naming the ticket by the clue's reference.
    const std::string accept = json{{"clue_reference", "WH-IN-1"}, {"action", "accept"}}.dump();
    Headers h1 = signed_by_standardwebhooks(server, secret, "msg_in_1", now_seconds(), accept);
    Response first = c.post(path, accept, h1);
    INFO(describe(first));
    REQUIRE(first.status == 200);
    CHECK(first.json().value("status", "") == "accepted");
    // The same webhook-id again: the same answer, nothing changed.
    Response again = c.post(path, accept, h1);
    CHECK(again.status == 200);
    CHECK(again.body == first.body);
    CHECK(again.header("Idempotent-Replayed") == "true");
    CHECK(get(c, proc, "/v1/tickets/" + ticket).json().value("version", 0) == 2);
    // The same webhook-id with another body: refused, not answered with the first reply (the
    // new action would be dropped in silence); the first answer stays the id's.
    const std::string start_body = json{{"ticket_id", ticket}, {"action", "start"}}.dump();
    Response reused =
        c.post(path, start_body,
               signed_by_standardwebhooks(server, secret, "msg_in_1", now_seconds(), start_body));
    CHECK_PROBLEM(reused, 422, "webhook-id-reused");
    CHECK(get(c, proc, "/v1/tickets/" + ticket).json().value("status", "") == "accepted");
    CHECK(c.post(path, accept, h1).body == first.body);

    // What the API refuses, the hook refuses: assisted without measures, the sender's cancel.
    const std::string bad_close =
        json{{"ticket_id", ticket}, {"action", "close"}, {"outcome", "assisted"}}.dump();
    CHECK_FIELD_ERROR(
        c.post(path, bad_close,
               signed_by_standardwebhooks(server, secret, "msg_in_2", now_seconds(), bad_close)),
        "/measures");
    const std::string pending = first_ticket(submit(c, hotline, make_clue("511702", "WH-IN-2")));
    const std::string cancel = json{{"ticket_id", pending}, {"action", "cancel"}}.dump();
    CHECK_PROBLEM(
        c.post(path, cancel,
               signed_by_standardwebhooks(server, secret, "msg_in_3", now_seconds(), cancel)),
        403, "forbidden");

    // Close with measures, by id.
    const std::string close = json{{"ticket_id", ticket},
                                   {"action", "close"},
                                   {"outcome", "assisted"},
                                   {"measures",
                                    {{{"type", "judicial_assistance_fund"},
                                      {"provider_agency", kProcuratorate},
                                      {"status", "provided"},
                                      {"amount_cny", 20000},
                                      {"disbursement", "lump_sum"}}}}}
                                  .dump();
    Response closed = c.post(
        path, close, signed_by_standardwebhooks(server, secret, "msg_in_4", now_seconds(), close));
    INFO(describe(closed));
    REQUIRE(closed.status == 200);
    CHECK(closed.json()["measures"][0].value("amount_cny", 0) == 20000);
    json history = get(c, hotline, "/v1/tickets/" + ticket + "/history").json();
    // The secret that verified it acted (issue 14 item 3): its id, never the secret.
    CHECK(history["items"].back().value("actor_key", "") == made.json().value("id", "?"));
    CHECK(history["items"].back().find("actor_issued_by") == history["items"].back().end());
    json clue = get(c, hotline, "/v1/clues/" + closed.json()["clue_id"].get<std::string>()).json();
    CHECK(clue["clue"].value("status", "") == "answered");

    // Refused before anything is looked at: a bad signature, an old timestamp, another
    // agency's path, a missing header. None of them is remembered.
    const std::string start = json{{"ticket_id", ticket}, {"action", "start"}}.dump();
    Headers forged =
        signed_by_standardwebhooks(server, secret, "msg_in_5", now_seconds(), start + " ");
    CHECK_PROBLEM(c.post(path, start, forged), 401, "webhook-signature");
    Headers old =
        signed_by_standardwebhooks(server, secret, "msg_in_6", now_seconds() - 6 * 60, start);
    CHECK_PROBLEM(c.post(path, start, old), 401, "webhook-signature");
    Headers elsewhere =
        signed_by_standardwebhooks(server, secret, "msg_in_7", now_seconds(), start);
    CHECK_PROBLEM(c.post("/v1/hooks/proc-510104", start, elsewhere), 401, "webhook-signature");
    Headers missing = elsewhere;
    missing.erase(std::remove_if(missing.begin(), missing.end(),
                                 [](const auto& h) { return h.first == "webhook-signature"; }),
                  missing.end());
    CHECK_PROBLEM(c.post(path, start, missing), 401, "webhook-signature");
}

TEST_CASE("hardening 3: an inbound action names the secret that verified it, and whose it is",
          "[integration][webhooks][hardening]") {
    TestServer server(fast_webhooks());
    HttpClient& c = server.client();
    const std::string& hotline = server.key_for(kHotline, "intake");
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    // The province's admin sets the county procuratorate's inbound secret.
    const std::string& province_admin = server.key_for("proc-510000", "admin");
    Response made = c.post("/v1/hooks/" + kProcuratorate + "/secret", "", auth(province_admin));
    REQUIRE_STATUS(made, 200);
    const std::string secret_id = made.json().value("id", "");
    const std::string secret = made.json().value("secret", "");
    CHECK(secret_id.rfind("ins_", 0) == 0);
    CHECK(made.json()["created_for_another_agency"] == true);
    // The procuratorate sees, in its own view of its secret, that another agency set it.
    Response shown = get(c, proc, "/v1/hooks/" + kProcuratorate + "/secret");
    REQUIRE_STATUS(shown, 200);
    const json view = shown.json();
    CHECK(view["id"] == secret_id);
    CHECK(view["created_for_another_agency"] == true);
    CHECK(view["created_by"]["agency"] == "proc-510000");
    CHECK(view.find("secret") == view.end());
    CHECK(shown.body.find(secret) == std::string::npos);

    const std::string ticket =
        sole_ticket(c, hotline, submit(c, hotline, make_clue("511702", "HARD-3-INBOUND")));
    const std::string path = "/v1/hooks/" + kProcuratorate;
    const auto last_event = [&] {
        return get(c, hotline, "/v1/tickets/" + ticket + "/history").json()["items"].back();
    };
    const std::string accept = json{{"ticket_id", ticket}, {"action", "accept"}}.dump();
    REQUIRE_STATUS(
        c.post(path, accept,
               signed_by_standardwebhooks(server, secret, "msg_h3_1", now_seconds(), accept)),
        200);
    const json event = last_event();
    CHECK(event["type"] == "ticket.accepted");
    CHECK(event["actor_agency"] == kProcuratorate);
    CHECK(event["actor_key"] == secret_id);
    CHECK(event["actor_issued_by"] == "proc-510000");

    // After the agency rotates it itself, with overlap, the old secret still acts under its
    // own id and its maker's mark, and the new one carries none.
    Response rotated = c.post(path + "/secret", json{{"overlap_hours", 1}}.dump(), json_auth(proc));
    REQUIRE_STATUS(rotated, 200);
    CHECK(rotated.json()["created_for_another_agency"] == false);
    CHECK(rotated.json()["previous_id"] == secret_id);
    const std::string start = json{{"ticket_id", ticket}, {"action", "start"}}.dump();
    REQUIRE_STATUS(
        c.post(path, start,
               signed_by_standardwebhooks(server, secret, "msg_h3_2", now_seconds(), start)),
        200);
    const json by_old = last_event();
    CHECK(by_old["actor_key"] == secret_id);
    CHECK(by_old["actor_issued_by"] == "proc-510000");
    const std::string hold =
        json{{"ticket_id", ticket}, {"action", "hold"}, {"reason_code", "needs_information"}}
            .dump();
    const std::string fresh = rotated.json().value("secret", "");
    Response held = c.post(
        path, hold, signed_by_standardwebhooks(server, fresh, "msg_h3_3", now_seconds(), hold));
    REQUIRE_STATUS(held, 200);
    const json by_new = last_event();
    CHECK(by_new["actor_key"] == rotated.json()["id"]);
    CHECK(by_new.find("actor_issued_by") == by_new.end());
}

// What the database file and its write-ahead log hold, for looking for secrets in them.
std::string database_bytes(const TestServer& server) {
    std::string bytes = read_file(server.database_path());
    if (std::filesystem::exists(server.database_path() + "-wal")) {
        bytes += read_file(server.database_path() + "-wal");
    }
    return bytes;
}

TEST_CASE(
    "webhook secrets are sealed at rest and survive a data-key rotation that retires the "
    "old key",
    "[integration][webhooks][keys]") {
    TestServer server(fast_webhooks());
    HttpClient& c = server.client();
    WebhookReceiver receiver;
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    const std::string& hotline = server.key_for(kHotline, "intake");
    const std::string outbound = register_endpoint(c, proc, receiver.url())["secret"];
    Response made = c.post("/v1/hooks/" + kProcuratorate + "/secret", "", auth(proc));
    REQUIRE(made.status == 200);
    const std::string inbound = made.json()["secret"];
    server.stop();

    // A copy of the database holds neither secret, only envelopes under the first key.
    std::string file = database_bytes(server);
    CHECK(file.find(outbound.substr(6)) == std::string::npos);
    CHECK(file.find(inbound.substr(6)) == std::string::npos);
    CHECK(file.find("cr1.test-1.") != std::string::npos);

    // Rotate: a new current key, every value resealed under it, then the old key removed.
    RunResult made_key = server.cli({"keys", "new-data-key", "--config", server.config_path()});
    REQUIRE(made_key.success());
    const std::string current = made_key.out.substr(8, made_key.out.find('\n') - 8);
    std::ofstream(server.data_keys_path(), std::ios::trunc) << made_key.out;
    RunResult rotated = server.cli({"keys", "rotate-data-key", "--config", server.config_path()});
    INFO(rotated.err);
    REQUIRE(rotated.success());
    CHECK(rotated.err.find("re-encrypted 0 clue(s) and 2 other sealed value(s) (secrets, stored "
                           "replies, reasons, notes, screenings) under data key " +
                           current) != std::string::npos);
    std::string retired;
    std::istringstream lines(made_key.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("data.test-1=", 0) != 0) retired += line + "\n";
    }
    REQUIRE(retired.size() < made_key.out.size());
    std::ofstream(server.data_keys_path(), std::ios::trunc) << retired;
    file = database_bytes(server);
    CHECK(file.find("cr1.test-1.") == std::string::npos);
    CHECK(file.find("cr1." + current + ".") != std::string::npos);
    CHECK(file.find(outbound.substr(6)) == std::string::npos);

    // Without the old key the service still signs with the secret the partner holds…
    server.start();
    const std::string ticket = first_ticket(submit(c, hotline, make_clue("511702", "WH-KEYS-1")));
    REQUIRE(receiver.wait_until([&](const auto& got) { return !types_of(got, ticket).empty(); }));
    verify_with_standardwebhooks(server, outbound, receiver.accepted());

    // …and checks what the partner signs with the inbound secret it holds.
    const std::string accept = json{{"ticket_id", ticket}, {"action", "accept"}}.dump();
    Response accepted =
        c.post("/v1/hooks/" + kProcuratorate, accept,
               signed_by_standardwebhooks(server, inbound, "msg_keys_1", now_seconds(), accept));
    INFO(describe(accepted));
    CHECK(accepted.status == 200);
    CHECK(accepted.json().value("status", "") == "accepted");
}

// The receiver serves HTTPS with a certificate made for the test, as a real procuratorate
// would; clue-router trusts that certificate (webhook_ca_file) and checks its name.
TEST_CASE("the procuratorate receiver example closes the loop through the inbound webhook",
          "[integration][webhooks][examples][tls]") {
    const Certificate certificate("localhost");
    Environment env = fast_webhooks();
    env.emplace("CLUE_ROUTER_WEBHOOK_CA_FILE", certificate.cert());
    TestServer server(env);
    HttpClient& c = server.client();
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    const std::string& hotline = server.key_for(kHotline, "intake");
    // A free port for the example, chosen by the kernel and handed over.
    unsigned short port = 0;
    {
        WebhookReceiver probe;
        port = probe.port();
    }
    const json endpoint =
        register_endpoint(c, proc, "https://localhost:" + std::to_string(port) + "/clue-router");
    Response inbound = c.post("/v1/hooks/" + kProcuratorate + "/secret", "", auth(proc));
    REQUIRE(inbound.status == 200);
    // The hotline hears of it too.
    WebhookReceiver hotline_receiver;
    register_endpoint(c, server.key_for(kHotline, "staff"), hotline_receiver.url(),
                      json::array({"clue.answered"}));

    Process::Options o;
    o.argv = {"python3",       source_dir() + "/examples/procuratorate_receiver.py",
              "--listen",      "127.0.0.1:" + std::to_string(port),
              "--clue-router", server.base_url(),
              "--agency",      kProcuratorate,
              "--max-closes",  "1",
              "--tls-cert",    certificate.cert(),
              "--tls-key",     certificate.key()};
    o.env = {{"CLUE_ROUTER_WEBHOOK_SECRET", endpoint["secret"].get<std::string>()},
             {"CLUE_ROUTER_INBOUND_SECRET", inbound.json()["secret"].get<std::string>()}};
    o.stdout_path = server.dir() + "/receiver.out";
    o.stderr_path = server.dir() + "/receiver.err";
    Process receiver(o);
    // Wait until it listens before anything is sent its way.
    for (int i = 0; i < 500 && read_file(o.stdout_path).find("listening") == std::string::npos;
         ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    const json clue = make_clue("511702", "WH-LOOP-1");
    Response submitted = submit(c, hotline, clue);
    const std::string ticket = sole_ticket(c, hotline, submitted);
    const std::string clue_id = submitted.json()["clue"]["id"];

    auto status = receiver.wait_for(std::chrono::seconds(60));
    const std::string out = read_file(o.stdout_path);
    INFO("receiver stdout:\n" << out << "\nstderr:\n" << read_file(o.stderr_path));
    REQUIRE(status.has_value());
    CHECK(status->success());
    CHECK(out.find("received ticket.created ticket=" + ticket) != std::string::npos);
    CHECK(out.find("close " + ticket + " -> 200") != std::string::npos);
    CHECK(out.find(clue["subject"]["name"].get<std::string>()) == std::string::npos);

    json ticket_now = get(c, hotline, "/v1/tickets/" + ticket).json();
    CHECK(ticket_now.value("status", "") == "closed");
    CHECK(ticket_now.value("outcome", "") == "assisted");
    CHECK(ticket_now["measures"].size() == 2);
    CHECK(get(c, hotline, "/v1/clues/" + clue_id).json()["clue"].value("status", "") == "answered");
    REQUIRE(hotline_receiver.wait_until([&](const auto& got) { return !got.empty(); }));
    const json answered = hotline_receiver.received().at(0).json();
    CHECK(answered.value("type", "") == "clue.answered");
    CHECK(answered["data"].value("clue_id", "") == clue_id);
}

TEST_CASE("an https endpoint must present a trusted certificate for its own name",
          "[integration][webhooks][tls]") {
    const Certificate trusted("localhost");
    const Certificate stranger("localhost");
    Environment env = fast_webhooks("1,1,1,1,1,1,1,1,1,1,1,1");
    env.emplace("CLUE_ROUTER_WEBHOOK_CA_FILE", trusted.cert());
    TestServer server(env);
    HttpClient& c = server.client();
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    const std::string& hotline = server.key_for(kHotline, "intake");

    // Two TLS servers (openssl s_server): one with the trusted certificate, reached by an
    // address the certificate does not name; one with a certificate nobody vouches for.
    const auto serve = [&](const Certificate& cert, unsigned short& port) {
        {
            WebhookReceiver probe;
            port = probe.port();
        }
        Process::Options o;
        o.argv = {"openssl", "s_server",  "-quiet",
                  "-www",    "-accept",   "127.0.0.1:" + std::to_string(port),
                  "-cert",   cert.cert(), "-key",
                  cert.key()};
        return std::make_unique<Process>(o);
    };
    unsigned short misnamed_port = 0;
    unsigned short untrusted_port = 0;
    auto misnamed = serve(trusted, misnamed_port);
    auto untrusted = serve(stranger, untrusted_port);
    const json to_address =
        register_endpoint(c, proc, "https://127.0.0.1:" + std::to_string(misnamed_port) + "/hooks",
                          json::array({"ticket.created"}));
    const json to_stranger =
        register_endpoint(c, proc, "https://localhost:" + std::to_string(untrusted_port) + "/hooks",
                          json::array({"ticket.created"}));
    REQUIRE(submit(c, hotline, make_clue("511702", "WH-TLS-1")).status == 201);

    // Each is refused at the handshake, recorded, and kept for a retry; nothing is sent.
    // (The first attempts may find s_server not yet listening: wait for handshake errors.)
    std::map<std::string, std::string> errors;
    const auto at_handshake = [&] {
        return errors.size() == 2 && std::all_of(errors.begin(), errors.end(), [](const auto& e) {
                   return e.second.rfind("handshake: ", 0) == 0;
               });
    };
    for (int i = 0; i < 1500 && !at_handshake(); ++i) {
        for (const auto& d : list_all(c, proc, "/v1/webhook-deliveries")) {
            if (d.contains("last_error")) errors[d["endpoint_id"]] = d["last_error"];
        }
        if (!at_handshake()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    INFO("errors: " << json(errors).dump());
    REQUIRE(errors.size() == 2);
    CHECK(errors[to_address["id"]].rfind("handshake: ", 0) == 0);
    CHECK(errors[to_stranger["id"]].rfind("handshake: ", 0) == 0);
    CHECK(errors[to_stranger["id"]].find("certificate verify failed") != std::string::npos);
    CHECK(list_all(c, proc, "/v1/webhook-deliveries", "status=delivered").empty());
}

TEST_CASE("webhook URLs: https accepted, other schemes refused by name",
          "[integration][webhooks][tls]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    Response ok = c.post("/v1/webhook-endpoints", R"({"url":"https://hooks.example.cn/clue"})",
                         json_auth(proc));
    CHECK(ok.status == 201);
    Response bad = c.post("/v1/webhook-endpoints", R"({"url":"ftp://hooks.example.cn/clue"})",
                          json_auth(proc));
    CHECK_PROBLEM(bad, 422, "validation");
    CHECK(has_pointer(bad, "/url"));
    CHECK(bad.body.find("hooks.example.cn") == std::string::npos);
}

TEST_CASE("serve refuses to start when webhook_ca_file cannot be read, naming the setting",
          "[integration][webhooks]") {
    TestServer probe({}, false);
    const std::string junk = probe.dir() + "/not-a-ca.pem";
    std::ofstream(junk) << "this is not a PEM certificate\n";
    const std::pair<std::string, std::string> cases[] = {
        {probe.dir() + "/missing-ca.pem", "no such file"},
        {probe.dir(), "not a regular file"},
        {junk, "no PEM certificate"}};
    for (const auto& [path, why] : cases) {
        INFO("webhook_ca_file = " << path);
        TestServer server(Environment{{"CLUE_ROUTER_WEBHOOK_CA_FILE", path}}, false);
        RunResult r = server.cli({"serve", "--config", server.config_path()});
        REQUIRE(r.status.has_value());
        INFO(r.status->describe() << "\n" << r.err);
        // A clean refusal (exit 1), not a crash, before anything is served.
        CHECK(r.status->exited);
        CHECK(r.status->code == 1);
        CHECK(r.err.find("cannot start: webhook_ca_file " + path + " cannot be read: ") !=
              std::string::npos);
        CHECK(r.err.find(why) != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(server.port_file()));
    }
}

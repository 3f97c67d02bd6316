// What a sender without a key can make the server do (issue 14, item 7): inbound webhooks
// are verified before their body is parsed, answer the same 401 whatever the agency, and
// take small bodies; requests without a valid key are rate-limited per client address.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

const std::string kProcuratorate = "proc-511702";
const std::string kFederation = "fed-511702";

long long now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Headers hook_headers(long long timestamp, const std::string& content_type = "application/json") {
    return {{"Content-Type", content_type},
            {"webhook-id", "msg_hardening"},
            {"webhook-timestamp", std::to_string(timestamp)},
            {"webhook-signature", "v1,c2lnbmF0dXJlIHRoYXQgZG9lcyBub3QgbWF0Y2ggYW55IGtleQ=="}};
}

// A problem reply without what differs between any two replies (its request id).
json comparable(const Response& r) {
    json body = r.json();
    body.erase("instance");
    body["http_status"] = r.status;
    body["www_authenticate"] = r.header("WWW-Authenticate");
    return body;
}

}  // namespace

TEST_CASE("hardening 7: the hook's signature is checked on the raw bytes before any parsing",
          "[integration][hardening]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    REQUIRE_STATUS(c.post("/v1/hooks/" + kProcuratorate + "/secret", "", auth(proc)), 200);
    // Nested past the JSON depth limit, not JSON at all, or of the wrong type: unsigned, each
    // is the same 401, not a 400 or 415 that would mean its body was looked at.
    const std::string deep = std::string(60'000, '[');
    for (const auto& [body, type] : std::vector<std::pair<std::string, std::string>>{
             {deep, "application/json"}, {"not json", "application/json"}, {"{}", "text/plain"}}) {
        Response r = c.post("/v1/hooks/" + kProcuratorate, body, hook_headers(now_seconds(), type));
        INFO(type << " " << body.substr(0, 20));
        CHECK_PROBLEM(r, 401, "webhook-signature");
    }
}

TEST_CASE("hardening 7: a refused hook reads the same whether or not the agency has a secret",
          "[integration][hardening]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    // The procuratorate has an inbound secret; the federation has none; the third agency
    // does not exist.
    REQUIRE_STATUS(c.post("/v1/hooks/" + kProcuratorate + "/secret", "", auth(proc)), 200);
    const std::vector<Headers> attempts = {
        {{"Content-Type", "application/json"}},  // unsigned
        hook_headers(now_seconds()),             // a wrong signature
        hook_headers(now_seconds() - 3600),      // and an old timestamp
        hook_headers(now_seconds() + 3600),      // or one from the future
        {{"Content-Type", "application/json"},   // a malformed timestamp
         {"webhook-id", "msg_x"},
         {"webhook-timestamp", "soon"},
         {"webhook-signature", "v1,AAAA"}},
    };
    const std::string body = R"({"ticket_id": "t", "action": "accept"})";
    for (std::size_t i = 0; i < attempts.size(); ++i) {
        INFO("attempt " << i);
        const Response with_secret = c.post("/v1/hooks/" + kProcuratorate, body, attempts[i]);
        const Response without = c.post("/v1/hooks/" + kFederation, body, attempts[i]);
        const Response unknown = c.post("/v1/hooks/no-such-agency", body, attempts[i]);
        CHECK_PROBLEM(with_secret, 401, "webhook-signature");
        CHECK(comparable(with_secret) == comparable(without));
        CHECK(comparable(with_secret) == comparable(unknown));
    }
}

TEST_CASE("hardening 7: hook bodies over hook_max_body_bytes are refused unread",
          "[integration][hardening]") {
    TestServer server(Environment{{"CLUE_ROUTER_HOOK_MAX_BODY_BYTES", "2048"}});
    HttpClient& c = server.client();
    const std::string big = "{\"pad\": \"" + std::string(4000, 'x') + "\"}";
    Response r = c.post("/v1/hooks/" + kProcuratorate, big, hook_headers(now_seconds()));
    CHECK_PROBLEM(r, 413, "payload-too-large");
    // Chunked, with no Content-Length to refuse early: cut off at the limit all the same.
    std::string chunks;
    for (int i = 0; i < 8; ++i) chunks += "200\r\n" + std::string(512, 'x') + "\r\n";
    const std::string reply =
        raw_exchange(server.port(), "POST /v1/hooks/" + kProcuratorate +
                                        " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                        "Transfer-Encoding: chunked\r\n\r\n" +
                                        chunks + "0\r\n\r\n");
    CHECK(raw_status(reply) == 413);
    // Other routes keep the server's limit (1 MiB): the same body is read and judged.
    const std::string& intake = server.key_for(kHotline, "intake");
    CHECK_FIELD_ERROR(c.post("/v1/clues", big, json_auth(intake)), "/pad");
}

TEST_CASE("hardening 7: requests without a valid key are rate-limited per client address",
          "[integration][hardening]") {
    TestServer server(Environment{{"CLUE_ROUTER_ADDRESS_RATE_LIMIT_PER_MINUTE", "6"},
                                  {"CLUE_ROUTER_ADDRESS_RATE_LIMIT_BURST", "3"}});
    HttpClient& c = server.client();
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    const std::string body = R"({"ticket_id": "t", "action": "accept"})";
    for (int i = 0; i < 3; ++i) {
        CHECK_PROBLEM(c.post("/v1/hooks/" + kProcuratorate, body, hook_headers(now_seconds())), 401,
                      "webhook-signature");
    }
    Response limited = c.post("/v1/hooks/" + kProcuratorate, body, hook_headers(now_seconds()));
    CHECK_PROBLEM(limited, 429, "rate-limited");
    CHECK(std::stoi(limited.header("Retry-After")) >= 1);
    // The same address's other public routes, and its failed keys, share the bucket.
    CHECK(c.get("/healthz").status == 429);
    CHECK(get(c, "crk_not-a-key", "/v1/tickets").status == 429);
    // Claiming to be someone else is believed only from a trusted proxy (none here).
    Headers forwarded = hook_headers(now_seconds());
    forwarded.emplace_back("X-Forwarded-For", "203.0.113.9");
    CHECK(c.post("/v1/hooks/" + kProcuratorate, body, forwarded).status == 429);
    // A valid key has its own bucket and is not held up.
    CHECK_STATUS(get(c, proc, "/v1/tickets"), 200);
}

TEST_CASE("hardening 7: behind a trusted proxy, the forwarded client is the one counted",
          "[integration][hardening]") {
    TestServer server(Environment{{"CLUE_ROUTER_ADDRESS_RATE_LIMIT_PER_MINUTE", "6"},
                                  {"CLUE_ROUTER_ADDRESS_RATE_LIMIT_BURST", "2"},
                                  {"CLUE_ROUTER_TRUSTED_PROXIES", "127.0.0.1"}});
    HttpClient& c = server.client();
    const auto from = [](const std::string& client) {
        Headers h{{"X-Forwarded-For", "198.51.100.1, " + client}};
        return h;
    };
    CHECK(c.get("/healthz", from("203.0.113.1")).status == 200);
    CHECK(c.get("/healthz", from("203.0.113.1")).status == 200);
    CHECK(c.get("/healthz", from("203.0.113.1")).status == 429);
    // Another client behind the same proxy has its own allowance; so does the proxy itself.
    CHECK(c.get("/healthz", from("203.0.113.2")).status == 200);
    CHECK(c.get("/healthz").status == 200);
}

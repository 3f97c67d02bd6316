// Where webhooks may be sent (issue 14, item 2): endpoint URLs into the server's own
// networks are refused in every spelling, each delivery attempt judges the address it
// actually reaches, and the delivery log says nothing of what answers at a refused one.
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"
#include "integration/support/webhook_receiver.hpp"

using namespace clue_router::it;

namespace {

const std::string kProcuratorate = "proc-511702";

// The agency's deliveries once every one of them has had at least `attempts` attempts.
std::vector<json> deliveries_after(HttpClient& c, const std::string& key, std::size_t count,
                                   int attempts) {
    std::vector<json> items;
    for (int i = 0; i < 1500; ++i) {
        items = list_all(c, key, "/v1/webhook-deliveries");
        const bool done =
            items.size() >= count && std::all_of(items.begin(), items.end(), [&](const json& d) {
                return d.value("attempts", 0) >= attempts;
            });
        if (done) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return items;
}

}  // namespace

TEST_CASE("hardening 2: endpoint URLs into the server's own networks are refused, every spelling",
          "[integration][webhooks][hardening]") {
    // As shipped: nothing private allowed.
    TestServer server(Environment{{"CLUE_ROUTER_WEBHOOK_ALLOWED_NETWORKS", ""}});
    HttpClient& c = server.client();
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    for (const char* url : {"http://169.254.169.254/latest/meta-data/",
                            "http://[::1]/",
                            "http://0.0.0.0/",
                            "http://localhost/",
                            "http://2130706433/",
                            "http://0x7f000001/",
                            "http://127.0.0.1:22/",
                            "http://127.1/",
                            "http://0177.0.0.1/",
                            "http://[::ffff:127.0.0.1]/",
                            "http://[::ffff:7f00:1]/",
                            "http://foo.localhost/",
                            "http://10.0.0.1/",
                            "http://172.16.0.1/",
                            "http://192.168.1.1/",
                            "http://100.64.0.1/",
                            "http://[fd00::1]/",
                            "http://[fe80::1]/",
                            "http://224.0.0.1/",
                            "http://[::]/",
                            "http://0/",
                            "http://100.100.100.200/latest/meta-data/"}) {
        INFO(url);
        CHECK_FIELD_ERROR(post_webhook_endpoint(c, proc, url), "/url");
    }
    // A public name passes registration (it is judged again at every connection).
    Response ok = post_webhook_endpoint(c, proc, "https://hooks.example.cn/clue-router");
    REQUIRE_STATUS(ok, 201);
    const std::string id = ok.json()["id"];
    CHECK_FIELD_ERROR(c.request(http::verb::patch, "/v1/webhook-endpoints/" + id,
                                json{{"url", "http://2130706433:6379/"}}.dump(), json_auth(proc)),
                      "/url");
    // An administrator's allowed networks open them, and only them.
    server.stop();
    server.set_env("CLUE_ROUTER_WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/16");
    server.start();
    CHECK_STATUS(post_webhook_endpoint(c, proc, "http://10.20.1.2:8443/hooks"), 201);
    CHECK_FIELD_ERROR(post_webhook_endpoint(c, proc, "http://10.21.1.2/hooks"), "/url");
    CHECK_FIELD_ERROR(post_webhook_endpoint(c, proc, "http://localhost/"), "/url");
}

TEST_CASE(
    "hardening 2: every delivery attempt judges the address it reaches, and the log tells "
    "nothing of what is there",
    "[integration][webhooks][hardening]") {
    WebhookReceiver live;  // answers 204 to anything that reaches it
    unsigned short closed_port = 0;
    {
        WebhookReceiver gone;
        closed_port = gone.port();
    }
    TestServer server(Environment{{"CLUE_ROUTER_WEBHOOK_POLL_INTERVAL_MS", "50"},
                                  {"CLUE_ROUTER_WEBHOOK_RETRY_SCHEDULE_SECONDS", "1,1,1,1,1"},
                                  {"CLUE_ROUTER_WEBHOOK_TIMEOUT_MS", "2000"}});
    HttpClient& c = server.client();
    const std::string& hotline_staff = server.key_for(kHotline, "staff");
    // Registered while loopback is allowed: by a name that resolves to it, to a live
    // receiver, to a port where nothing listens, and over TLS.
    const std::string by_name = "http://localhost:" + std::to_string(live.port()) + "/hooks";
    REQUIRE_STATUS(post_webhook_endpoint(c, hotline_staff, by_name), 201);
    REQUIRE_STATUS(post_webhook_endpoint(c, hotline_staff, live.url()), 201);
    REQUIRE_STATUS(
        post_webhook_endpoint(c, hotline_staff,
                              "http://127.0.0.1:" + std::to_string(closed_port) + "/hooks"),
        201);
    REQUIRE_STATUS(
        post_webhook_endpoint(c, hotline_staff,
                              "https://localhost:" + std::to_string(live.port()) + "/hooks"),
        201);
    // Then loopback is taken away; the stored URLs are what the dispatcher has. A name whose
    // DNS answer changes after registration (rebinding) is the same case.
    server.stop();
    server.set_env("CLUE_ROUTER_WEBHOOK_ALLOWED_NETWORKS", "");
    server.start();
    const std::string& hotline = server.key_for(kHotline, "intake");
    REQUIRE_STATUS(submit(c, hotline, make_clue("511702", "HARD-2-REBIND")), 201);

    // Two tickets, four endpoints: eight deliveries, each tried at least twice.
    const auto deliveries = deliveries_after(c, hotline_staff, 8, 2);
    REQUIRE(deliveries.size() == 8);
    for (const auto& d : deliveries) {
        INFO(d.dump());
        CHECK(d.value("status", "") == "pending");
        CHECK(d.value("attempts", 0) >= 2);
        // The same words for a live receiver, a closed port and a TLS endpoint: the log is
        // no oracle for what answers at a refused address.
        CHECK(d.value("last_error", "") == "address not allowed");
        CHECK_FALSE(d.contains("last_status_code"));
    }
    CHECK(live.received().empty());  // nothing ever reached it
    const std::string log = server.log();
    CHECK(log.find("error=\"address not allowed\"") != std::string::npos);
    CHECK(log.find("Connection refused") == std::string::npos);
}

// Mistakes answered as what they are (issue 14, item 13): a Break-Glass-Reason that is not
// text is a 400, not a 503 that blames the database; retrying a dead letter whose endpoint was
// deleted is a 409, not a 200 for a delivery that would never be sent.
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"
#include "integration/support/webhook_receiver.hpp"

using namespace clue_router::it;

namespace {

const std::string kProcuratorate = "proc-511702";

}  // namespace

TEST_CASE("hardening 13: a Break-Glass-Reason that is not UTF-8 is a 400, not a 503",
          "[integration][hardening]") {
    TestServer server;
    HttpClient& c = server.client();
    Response submitted =
        submit(c, server.key_for(kHotline, "intake"), make_clue("511702", "HARD-13-BG"));
    REQUIRE_STATUS(submitted, 201);
    const std::string target =
        "/v1/clues/" + submitted.json()["clue"]["id"].get<std::string>() + "?reveal=true";
    const std::string& admin = server.key_for("proc-510000", "admin");
    for (const std::string& reason : {std::string("\xff\xfe"), std::string("caller \xe4\xb8 cut"),
                                      std::string("\xed\xa0\x80 surrogate")}) {
        Headers h = auth(admin);
        h.emplace_back("Break-Glass-Reason", reason);
        Response r = c.get(target, h);
        CHECK_PROBLEM(r, 400, "bad-request");
        CHECK(has_pointer(r, "/headers/break-glass-reason"));
    }
    Headers h = auth(admin);
    h.emplace_back("Break-Glass-Reason", "受害者有生命危险，需立即联系");
    CHECK_STATUS(c.get(target, h), 200);
}

TEST_CASE("hardening 13: a dead letter of a deleted endpoint cannot be retried into limbo",
          "[integration][webhooks][hardening]") {
    unsigned short closed_port = 0;
    {
        WebhookReceiver gone;
        closed_port = gone.port();
    }
    TestServer server;
    HttpClient& c = server.client();
    const std::string& proc = server.key_for(kProcuratorate, "staff");
    Response created = post_webhook_endpoint(
        c, proc, "http://127.0.0.1:" + std::to_string(closed_port) + "/hooks");
    REQUIRE_STATUS(created, 201);
    const std::string endpoint = created.json()["id"];
    REQUIRE_STATUS(submit(c, server.key_for(kHotline, "intake"), make_clue("511702", "HARD-13")),
                   201);
    REQUIRE_STATUS(
        c.request(http::verb::delete_, "/v1/webhook-endpoints/" + endpoint, "", auth(proc)), 204);
    // Deleting the endpoint dead-lettered what was pending for it.
    const auto failed = list_all(c, proc, "/v1/webhook-deliveries", "status=failed");
    REQUIRE(failed.size() == 1);
    const std::string id = failed[0]["id"];
    Response retried = c.post("/v1/webhook-deliveries/" + id + "/retry", "", auth(proc));
    CHECK_PROBLEM(retried, 409, "conflict");
    CHECK(retried.json().value("detail", "").find("deleted") != std::string::npos);
    // Nothing changed: still a dead letter, not a pending delivery that never goes.
    const auto after = list_all(c, proc, "/v1/webhook-deliveries");
    REQUIRE(after.size() == 1);
    CHECK(after[0].value("status", "") == "failed");
}

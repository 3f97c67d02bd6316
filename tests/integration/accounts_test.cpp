// People's accounts and sessions (issue 15), over real HTTP against the real binary: signing
// in and out, idle and absolute timeouts with a moved clock (test_clock_file), CSRF, the
// sign-in throttle and its end, a disabled account cut off at once, audit rows naming the
// person, the admin's scope, and the command line.
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "integration/support/accounts_server.hpp"
#include "integration/support/api.hpp"
#include "integration/support/sessions.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

json audit_rows(HttpClient& c, const std::string& admin_key) {
    Response r = get(c, admin_key, "/v1/audit?limit=200");
    REQUIRE(r.status == 200);
    return r.json()["items"];
}

}  // namespace

TEST_CASE("a person signs in, is known by her session, and signs out", "[integration][accounts]") {
    AccountsServer s;
    HttpClient& c = s.server.client();
    const std::string admin = s.server.key_for("proc-510000", "admin");
    const std::string id = make_person(c, admin, "proc-511702", "staff", "li.na", "Li Na");

    Response in = sign_in_as(c, "Li.Na", kTestPassword);  // usernames ignore case
    REQUIRE(in.status == 201);
    const std::string set_cookie = in.header("set-cookie");
    CHECK(set_cookie.rfind("clue_session=crs_", 0) == 0);
    CHECK(set_cookie.find("HttpOnly") != std::string::npos);
    CHECK(set_cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(set_cookie.find("Secure") == std::string::npos);  // plain HTTP in this test
    CHECK(in.header("cache-control") == "no-store");
    CHECK(in.json()["person"]["id"] == id);
    CHECK(in.json()["person"]["display_name"] == "Li Na");
    CHECK_FALSE(in.json()["person"].contains("password_hash"));
    CHECK(in.body.find("argon2") == std::string::npos);

    SignedIn me{id, cookie_of(in), in.json()["csrf_token"], own_origin(c)};
    Response who = c.get("/v1/sessions/current", {{"Cookie", me.cookie}});
    REQUIRE(who.status == 200);
    CHECK(who.json()["person"]["agency"] == "proc-511702");
    CHECK(who.json()["csrf_token"] == me.csrf);
    // She works as her agency's staff would with a key.
    CHECK(c.get("/v1/tickets", {{"Cookie", me.cookie}}).status == 200);
    CHECK(c.get("/v1/keys", {{"Cookie", me.cookie}}).status == 403);
    // A key has no session.
    CHECK(get(c, admin, "/v1/sessions/current").status == 404);

    Response out = c.request(http::verb::delete_, "/v1/sessions/current", {}, session_headers(me));
    CHECK(out.status == 204);
    CHECK(out.header("set-cookie").find("Max-Age=0") != std::string::npos);
    CHECK_PROBLEM(c.get("/v1/tickets", {{"Cookie", me.cookie}}), 401, "unauthenticated");

    // The trail names her, by id and name, on her sign-in and sign-out.
    int named = 0;
    for (const auto& row : audit_rows(c, admin)) {
        if (row["action"] == "session.signed_in" || row["action"] == "session.signed_out") {
            CHECK(row["actor"]["person"]["id"] == id);
            CHECK(row["actor"]["person"]["display_name"] == "Li Na");
            CHECK(row["actor"]["agency"] == "proc-511702");
            ++named;
        }
    }
    CHECK(named == 2);
    CHECK(s.server.cli({"audit", "verify"}).success());
}

TEST_CASE("one answer for no such person, a wrong password and a disabled account",
          "[integration][accounts]") {
    AccountsServer s;
    HttpClient& c = s.server.client();
    const std::string admin = s.server.key_for("proc-510000", "admin");
    const std::string id = make_person(c, admin, "fed-511702", "staff", "wang.fang");
    const std::string off = make_person(c, admin, "fed-511702", "staff", "zhao.min");
    REQUIRE(c.post("/v1/people/" + off + "/disable", "", auth(admin)).status == 200);

    Response nobody = sign_in_as(c, "no.such.person", kTestPassword);
    Response wrong = sign_in_as(c, "wang.fang", "wrong-password-123");
    Response disabled = sign_in_as(c, "zhao.min", kTestPassword);
    for (const Response* r : {&nobody, &wrong, &disabled}) {
        INFO(describe(*r));
        CHECK_PROBLEM(*r, 401, "unauthenticated");
        CHECK(r->json()["detail"] == nobody.json()["detail"]);
        CHECK(r->header("set-cookie").empty());
    }
    // Each failure is audited, with why, and never with the password.
    int failures = 0;
    for (const auto& row : audit_rows(c, admin)) {
        if (row["action"] == "session.sign_in_failed") ++failures;
    }
    CHECK(failures == 3);
    Response audit = get(c, admin, "/v1/audit?limit=200");
    CHECK(audit.body.find("wrong-password-123") == std::string::npos);
    CHECK(audit.body.find(kTestPassword) == std::string::npos);
    CHECK(s.server.log().find("wrong-password-123") == std::string::npos);
    (void)id;
}

TEST_CASE("sessions end after 15 idle minutes and after 12 hours whatever the activity",
          "[integration][accounts]") {
    AccountsServer s;
    HttpClient& c = s.server.client();
    const std::string admin = s.server.key_for("proc-510000", "admin");
    make_person(c, admin, "proc-511702", "staff", "idle.one");
    const Headers cookie_only = {{"Cookie", sign_in(c, "idle.one").cookie}};
    const auto last_seen = [&] {
        Response r = c.get("/v1/sessions/current", cookie_only);
        REQUIRE(r.status == 200);
        return r.json()["session"]["last_seen_at"].get<std::string>();
    };
    const std::string signed_in_at = last_seen();

    s.advance(14 * 60);
    CHECK(c.get("/v1/tickets", cookie_only).status == 200);  // and touched, just after
    // The touch is written after the reply: wait for it (bounded), not for a time.
    bool touched = false;
    for (int i = 0; i < 250 && !touched; ++i) {
        touched = last_seen() != signed_in_at;
        if (!touched) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(touched);
    s.advance(14 * 60);
    CHECK(c.get("/v1/tickets", cookie_only).status == 200);
    s.advance(15 * 60 + 1);
    CHECK_PROBLEM(c.get("/v1/tickets", cookie_only), 401, "unauthenticated");

    // Busy all day: still ended at 12 hours. Steps of 7 minutes, so that one touch written
    // late (after the next request) still leaves her inside the idle limit.
    const Headers busy = {{"Cookie", sign_in(c, "idle.one").cookie}};
    for (int i = 0; i < 102; ++i) {  // 102 × 7 min = 11 h 54 min
        s.advance(7 * 60);
        REQUIRE(c.get("/v1/tickets", busy).status == 200);
    }
    s.advance(7 * 60);
    CHECK_PROBLEM(c.get("/v1/tickets", busy), 401, "unauthenticated");
}

TEST_CASE("changes made with a session cookie need the CSRF token and a same-origin Origin",
          "[integration][accounts][csrf]") {
    AccountsServer s;
    HttpClient& c = s.server.client();
    const std::string admin = s.server.key_for("proc-510000", "admin");
    make_person(c, admin, "proc-510000", "admin", "boss.admin");
    const SignedIn boss = sign_in(c, "boss.admin");
    const std::string body = json{
        {"username", "new.clerk"},
        {"display_name", "New Clerk"},
        {"agency", "proc-511702"},
        {"role", "staff"},
        {"password",
         kTestPassword}}.dump();
    const Headers json_type = {{"Content-Type", "application/json"}};
    const auto with = [&](Headers h) {
        h.insert(h.end(), json_type.begin(), json_type.end());
        return h;
    };

    Response no_token =
        c.post("/v1/people", body, with({{"Cookie", boss.cookie}, {"Origin", boss.origin}}));
    CHECK_PROBLEM(no_token, 403, "forbidden");
    Response wrong_token =
        c.post("/v1/people", body,
               with({{"Cookie", boss.cookie}, {"Origin", boss.origin}, {"X-CSRF-Token", "nope"}}));
    CHECK_PROBLEM(wrong_token, 403, "forbidden");
    Response foreign = c.post("/v1/people", body,
                              with({{"Cookie", boss.cookie},
                                    {"Origin", "http://evil.example"},
                                    {"X-CSRF-Token", boss.csrf}}));
    CHECK_PROBLEM(foreign, 403, "forbidden");
    Response no_origin =
        c.post("/v1/people", body, with({{"Cookie", boss.cookie}, {"X-CSRF-Token", boss.csrf}}));
    CHECK_PROBLEM(no_origin, 403, "forbidden");
    // Nothing was made by the refused requests.
    CHECK(get(c, admin, "/v1/people").body.find("new.clerk") == std::string::npos);

    Response made = c.post("/v1/people", body, session_headers(boss, true));
    INFO(describe(made));
    CHECK(made.status == 201);
    // Reads need no token.
    CHECK(c.get("/v1/people", {{"Cookie", boss.cookie}}).status == 200);
    // A foreign page cannot sign anyone in.
    Response foreign_sign_in =
        c.post("/v1/sessions", json{{"username", "new.clerk"}, {"password", kTestPassword}}.dump(),
               {{"Content-Type", "application/json"}, {"Origin", "http://evil.example"}});
    CHECK(foreign_sign_in.status == 403);

    // The person made by the admin is named in the trail as her work.
    bool named = false;
    for (const auto& row : audit_rows(c, admin)) {
        if (row["action"] == "person.created" && row["actor"].contains("person")) {
            CHECK(row["actor"]["person"]["id"] == boss.person_id);
            named = true;
        }
    }
    CHECK(named);
}

TEST_CASE("failed sign-ins are throttled with doubling waits, which end",
          "[integration][accounts][throttle]") {
    AccountsServer s;
    HttpClient& c = s.server.client();
    const std::string admin = s.server.key_for("proc-510000", "admin");
    make_person(c, admin, "proc-511702", "staff", "slow.down");

    for (int i = 0; i < 4; ++i) CHECK(sign_in_as(c, "slow.down", "not-the-password").status == 401);
    // The fourth failure costs a second's wait: even the right password is not looked at.
    Response held = sign_in_as(c, "slow.down", kTestPassword);
    CHECK_PROBLEM(held, 429, "rate-limited");
    CHECK(held.header("retry-after") == "1");
    s.advance(1);
    CHECK(sign_in_as(c, "slow.down", "not-the-password").status == 401);
    Response longer = sign_in_as(c, "slow.down", kTestPassword);
    CHECK(longer.status == 429);
    CHECK(longer.header("retry-after") == "2");
    s.advance(2);
    CHECK(sign_in_as(c, "slow.down", kTestPassword).status == 201);
    // The success cleared the account's count.
    CHECK(sign_in_as(c, "slow.down", "not-the-password").status == 401);
    CHECK(sign_in_as(c, "slow.down", kTestPassword).status == 201);
}

TEST_CASE("a disabled account, or one whose password is reset, is cut off at once",
          "[integration][accounts]") {
    AccountsServer s;
    HttpClient& c = s.server.client();
    const std::string admin = s.server.key_for("proc-510000", "admin");
    const std::string id = make_person(c, admin, "proc-511702", "staff", "cut.off");
    const Headers first = {{"Cookie", sign_in(c, "cut.off").cookie}};
    const Headers second = {{"Cookie", sign_in(c, "cut.off").cookie}};
    CHECK(c.get("/v1/tickets", first).status == 200);

    Response reset = c.post("/v1/people/" + id + "/reset-password",
                            json{{"password", "a-new-long-passphrase"}}.dump(), json_auth(admin));
    REQUIRE(reset.status == 200);
    CHECK(c.get("/v1/tickets", first).status == 401);
    CHECK(c.get("/v1/tickets", second).status == 401);
    CHECK(sign_in_as(c, "cut.off", kTestPassword).status == 401);
    const Headers third = {{"Cookie", sign_in(c, "cut.off", "a-new-long-passphrase").cookie}};
    CHECK(c.get("/v1/tickets", third).status == 200);

    Response disabled = c.post("/v1/people/" + id + "/disable", "", auth(admin));
    REQUIRE(disabled.status == 200);
    CHECK_FALSE(disabled.json()["disabled_at"].is_null());
    CHECK(c.get("/v1/tickets", third).status == 401);
}

TEST_CASE("passwords are checked, and admins manage only the agencies of their region",
          "[integration][accounts]") {
    AccountsServer s;
    HttpClient& c = s.server.client();
    const std::string county_admin = s.server.key_for("proc-511702", "admin");
    const auto create = [&](const std::string& agency, const std::string& password) {
        return c.post("/v1/people",
                      json{{"username", "someone"},
                           {"display_name", "Someone"},
                           {"agency", agency},
                           {"role", "staff"},
                           {"password", password}}
                          .dump(),
                      json_auth(county_admin));
    };
    Response short_one = create("proc-511702", "short");
    CHECK_PROBLEM(short_one, 422, "validation");
    CHECK(has_pointer(short_one, "/password"));
    Response common = create("proc-511702", "Password1234");
    CHECK_PROBLEM(common, 422, "validation");
    CHECK(has_pointer(common, "/password"));
    CHECK(common.body.find("Password1234") == std::string::npos);
    // A county's admin administers her county, not the one next door nor the province.
    Response elsewhere = create("proc-511722", kTestPassword);
    CHECK_PROBLEM(elsewhere, 422, "validation");
    CHECK(has_pointer(elsewhere, "/agency"));
    CHECK(create("proc-510000", kTestPassword).status == 422);
    REQUIRE(create("proc-511702", kTestPassword).status == 201);
    Response taken = create("proc-511702", kTestPassword);
    CHECK(has_pointer(taken, "/username"));

    // Someone of another county: not hers to see or change.
    const std::string admin = s.server.key_for("proc-510000", "admin");
    const std::string other = make_person(c, admin, "proc-511722", "staff", "next.door");
    CHECK(c.post("/v1/people/" + other + "/disable", "", auth(county_admin)).status == 404);
    CHECK(get(c, county_admin, "/v1/people").body.find(other) == std::string::npos);
    CHECK(get(c, admin, "/v1/people").body.find(other) != std::string::npos);
    // Only admins.
    CHECK(get(c, s.server.key_for("proc-511702", "staff"), "/v1/people").status == 403);
}

TEST_CASE("users on the command line: create, list, reset-password, disable",
          "[integration][accounts][cli]") {
    AccountsServer s;
    const std::string password_file = s.server.dir() + "/password";
    std::ofstream(password_file) << kTestPassword << "\n";
    auto made =
        s.server.cli({"users", "create", "--config", s.server.config_path(), "--username",
                      "cli.person", "--display-name", "CLI Person", "--agency", "fed-511702",
                      "--role", "supervisor", "--password-file", password_file});
    INFO(made.err);
    REQUIRE(made.success());
    const std::string id = trim(made.out);
    CHECK(id.rfind("psn_", 0) == 0);
    auto listed = s.server.cli({"users", "list", "--config", s.server.config_path(), "--json"});
    REQUIRE(listed.success());
    CHECK(listed.out.find("cli.person") != std::string::npos);
    CHECK(listed.out.find("argon2") == std::string::npos);

    HttpClient& c = s.server.client();
    const Headers session = {{"Cookie", sign_in(c, "cli.person").cookie}};
    CHECK(c.get("/v1/tickets", session).status == 403);  // supervisors read figures, not tickets

    std::ofstream(password_file, std::ios::trunc) << "short\n";
    auto refused = s.server.cli({"users", "reset-password", "--config", s.server.config_path(), id,
                                 "--password-file", password_file});
    CHECK_FALSE(refused.success());
    CHECK(refused.err.find("/password") != std::string::npos);

    auto disabled = s.server.cli({"users", "disable", "--config", s.server.config_path(), id});
    REQUIRE(disabled.success());
    CHECK(c.get("/v1/stats?region=511702", session).status == 401);
    auto missing = s.server.cli({"users", "disable", "--config", s.server.config_path(), "psn_x"});
    CHECK_FALSE(missing.success());
}

// The second factor of people's accounts (issue 15), over real HTTP against the real binary,
// with codes computed by OpenSSL (support/totp_code) at the server's moved clock: enrolment
// where the role requires it, the code step of sign-in, a code and a recovery code good once,
// the admin's reset, and a person's reveal asking for a reason.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/accounts_server.hpp"
#include "integration/support/api.hpp"
#include "integration/support/sessions.hpp"
#include "integration/support/totp_code.hpp"

using namespace clue_router::it;

namespace {

json sign_in_body(const std::string& username, const json& extra = json::object()) {
    json body = {{"username", username}, {"password", kTestPassword}};
    for (const auto& [k, v] : extra.items()) body[k] = v;
    return body;
}

Response post_sign_in(HttpClient& c, const json& body) {
    return c.post("/v1/sessions", body.dump(), {{"Content-Type", "application/json"}});
}

struct Enrolled {
    std::string secret;
    json recovery_codes;
};

// Enrols the second factor of the person signed in as `s`.
Enrolled enrol(AccountsServer& server, HttpClient& c, const SignedIn& s) {
    Response begun = c.post("/v1/sessions/current/totp", "", session_headers(s));
    INFO(describe(begun));
    REQUIRE(begun.status == 200);
    CHECK(begun.header("cache-control") == "no-store");
    const std::string secret = begun.json()["secret"];
    CHECK(begun.json()["otpauth_uri"].get<std::string>().find("secret=" + secret) !=
          std::string::npos);
    Response confirmed = c.post("/v1/sessions/current/totp/confirm",
                                json{{"code", totp_code(secret, server.unix_now())}}.dump(),
                                session_headers(s, true));
    INFO(describe(confirmed));
    REQUIRE(confirmed.status == 200);
    return {secret, confirmed.json()["recovery_codes"]};
}

}  // namespace

TEST_CASE("a role that needs a second factor enrols it before anything else",
          "[integration][accounts][second_factor]") {
    AccountsServer s("staff,admin");
    HttpClient& c = s.server.client();
    const std::string admin = s.server.key_for("proc-510000", "admin");
    make_person(c, admin, "proc-511702", "staff", "wang.fang");

    Response first = post_sign_in(c, sign_in_body("wang.fang"));
    REQUIRE(first.status == 201);
    CHECK(first.json()["second_factor"]["required"] == true);
    CHECK(first.json()["second_factor"]["enrolment_required"] == true);
    const SignedIn before = signed_in_from(c, first);
    // Nothing but enrolment, who-am-I and sign-out.
    CHECK_PROBLEM(c.get("/v1/tickets", {{"Cookie", before.cookie}}), 403,
                  "second-factor-enrolment-required");
    CHECK(c.get("/v1/sessions/current", {{"Cookie", before.cookie}}).status == 200);

    // A wrong code is refused, and the key stays unconfirmed.
    Response begun = c.post("/v1/sessions/current/totp", "", session_headers(before));
    REQUIRE(begun.status == 200);
    Response wrong = c.post("/v1/sessions/current/totp/confirm", json{{"code", "000000"}}.dump(),
                            session_headers(before, true));
    CHECK_PROBLEM(wrong, 422, "validation");
    CHECK(has_pointer(wrong, "/code"));

    const Enrolled enrolled = enrol(s, c, before);
    REQUIRE(enrolled.recovery_codes.size() == 10);
    CHECK(c.get("/v1/tickets", {{"Cookie", before.cookie}}).status == 200);
    // Enrolled: enrolling again is for after an admin's reset.
    CHECK_PROBLEM(c.post("/v1/sessions/current/totp", "", session_headers(before)), 409,
                  "conflict");

    // Signing in now asks for the code, after the password only.
    CHECK_PROBLEM(post_sign_in(c, sign_in_body("wang.fang")), 401, "second-factor-required");
    CHECK_PROBLEM(
        post_sign_in(c, json{{"username", "wang.fang"}, {"password", "wrong-password-1"}}), 401,
        "unauthenticated");
    // The code that confirmed the enrolment was used: not again.
    CHECK_PROBLEM(
        post_sign_in(c, sign_in_body("wang.fang",
                                     {{"totp_code", totp_code(enrolled.secret, s.unix_now())}})),
        401, "unauthenticated");
    s.advance(30);
    Response with_code = post_sign_in(
        c, sign_in_body("wang.fang", {{"totp_code", totp_code(enrolled.secret, s.unix_now())}}));
    INFO(describe(with_code));
    REQUIRE(with_code.status == 201);
    CHECK(with_code.json()["second_factor"]["enrolment_required"] == false);
    CHECK(c.get("/v1/tickets", {{"Cookie", cookie_of(with_code)}}).status == 200);
    CHECK_PROBLEM(post_sign_in(c, sign_in_body("wang.fang", {{"totp_code", "12345"}})), 422,
                  "validation");
}

TEST_CASE("a recovery code signs in once, and an admin's reset makes her enrol again",
          "[integration][accounts][second_factor]") {
    AccountsServer s("staff");
    HttpClient& c = s.server.client();
    const std::string admin = s.server.key_for("proc-510000", "admin");
    const std::string id = make_person(c, admin, "proc-511702", "staff", "li.hua");
    const SignedIn first = signed_in_from(c, post_sign_in(c, sign_in_body("li.hua")));
    const Enrolled enrolled = enrol(s, c, first);

    // Typed in lower case without dashes, as people do.
    std::string typed = enrolled.recovery_codes[3];
    typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
    std::transform(typed.begin(), typed.end(), typed.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    Response recovered = post_sign_in(c, sign_in_body("li.hua", {{"recovery_code", typed}}));
    INFO(describe(recovered));
    REQUIRE(recovered.status == 201);
    CHECK(recovered.json()["second_factor"]["recovery_codes_left"] == 9);
    CHECK_PROBLEM(post_sign_in(c, sign_in_body("li.hua", {{"recovery_code", typed}})), 401,
                  "unauthenticated");

    // Her phone is lost: the admin resets the second factor; every session ends.
    Response reset = c.post("/v1/people/" + id + "/reset-second-factor", "", auth(admin));
    REQUIRE(reset.status == 200);
    CHECK(reset.json()["second_factor_enrolled_at"].is_null());
    CHECK(c.get("/v1/tickets", {{"Cookie", cookie_of(recovered)}}).status == 401);
    Response again = post_sign_in(c, sign_in_body("li.hua"));
    REQUIRE(again.status == 201);
    CHECK(again.json()["second_factor"]["enrolment_required"] == true);

    // The trail names each step, never a code.
    Response audit = get(c, admin, "/v1/audit?limit=200");
    REQUIRE(audit.status == 200);
    std::vector<std::string> actions;
    const json rows = audit.json()["items"];
    for (const auto& row : rows) actions.push_back(row["action"]);
    for (const char* action : {"person.second_factor_begun", "person.second_factor_enrolled",
                               "person.second_factor_reset"}) {
        CHECK(std::find(actions.begin(), actions.end(), action) != actions.end());
    }
    CHECK(audit.body.find(typed) == std::string::npos);
    CHECK(audit.body.find(enrolled.secret) == std::string::npos);
    // The key is sealed at rest: the database file does not hold it.
    for (const auto& file : {s.server.database_path(), s.server.database_path() + "-wal"}) {
        CHECK(read_file(file).find(enrolled.secret) == std::string::npos);
    }
}

TEST_CASE("a role that needs none may sign in with a password, and enrol if she wants",
          "[integration][accounts][second_factor]") {
    AccountsServer s("admin");
    HttpClient& c = s.server.client();
    const std::string admin = s.server.key_for("proc-510000", "admin");
    make_person(c, admin, "fed-511702", "staff", "zhao.min");
    Response first = post_sign_in(c, sign_in_body("zhao.min", {{"totp_code", "123456"}}));
    REQUIRE(first.status == 201);  // a code sent to an account without one is ignored
    CHECK(first.json()["second_factor"]["required"] == false);
    const SignedIn signed_in = signed_in_from(c, first);
    CHECK(c.get("/v1/tickets", {{"Cookie", signed_in.cookie}}).status == 200);
    const Enrolled enrolled = enrol(s, c, signed_in);
    CHECK_PROBLEM(post_sign_in(c, sign_in_body("zhao.min")), 401, "second-factor-required");
    // With a key there is no session to enrol.
    CHECK_PROBLEM(c.post("/v1/sessions/current/totp", "", auth(admin)), 404, "not-found");
    (void)enrolled;
}

TEST_CASE("a person's reveal asks for a reason, a system's key does not",
          "[integration][accounts][privacy]") {
    AccountsServer s;
    HttpClient& c = s.server.client();
    const std::string admin = s.server.key_for("proc-510000", "admin");
    const std::string hotline = s.server.key_for(kHotline, "intake");
    make_person(c, admin, kHotline, "intake", "operator.one", "话务员一");
    Response submitted = submit(c, hotline, make_clue("511702", "SF-REVEAL-1"));
    REQUIRE(submitted.status == 201);
    const std::string clue = submitted.json()["clue"]["id"];
    const SignedIn op = sign_in(c, "operator.one");

    Response without = c.get("/v1/clues/" + clue + "?reveal=true", {{"Cookie", op.cookie}});
    CHECK_PROBLEM(without, 400, "bad-request");
    CHECK(has_pointer(without, "/headers/reveal-reason"));
    Response with = c.get("/v1/clues/" + clue + "?reveal=true",
                          {{"Cookie", op.cookie}, {"Reveal-Reason", "回拨核实"}});
    INFO(describe(with));
    REQUIRE(with.status == 200);
    CHECK(with.json()["clue"]["personal_data"] == "clear");
    CHECK(get(c, hotline, "/v1/clues/" + clue + "?reveal=true").status == 200);

    Response audit = get(c, admin, "/v1/audit?limit=200");
    REQUIRE(audit.status == 200);
    bool named = false;
    const json rows = audit.json()["items"];
    for (const auto& row : rows) {
        if (row["action"] != "clue.personal_data_read" || !row["actor"].contains("person"))
            continue;
        // The auditor reads the reason beside the row; the chained row names it by id only.
        named = row["actor"]["person"]["display_name"] == "话务员一" &&
                row["detail"].contains("reason_id") && row.value("reason", "") == "回拨核实";
    }
    CHECK(named);
    for (const auto& file : {s.server.database_path(), s.server.database_path() + "-wal"}) {
        CHECK(read_file(file).find("回拨核实") == std::string::npos);
    }
}

#pragma once
// People and sessions for the integration tests (issue 15): an account made over the API by
// an admin key, a sign-in, and the headers a browser sends with the session cookie (the
// cookie, a same-origin Origin and, for changes, the CSRF token).
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/http_client.hpp"

namespace clue_router::it {

inline const std::string kTestPassword = "river-lantern-57-copper";

struct SignedIn {
    std::string person_id;
    std::string cookie;  // "clue_session=crs_…"
    std::string csrf;
    std::string origin;  // the server's own
};

// The Cookie header value of a Set-Cookie reply header ("name=value; …").
inline std::string cookie_of(const Response& r) {
    const std::string set = r.header("set-cookie");
    return set.substr(0, set.find(';'));
}

inline std::string own_origin(const HttpClient& c) {
    return "http://127.0.0.1:" + std::to_string(c.port());
}

inline Response sign_in_as(HttpClient& c, const std::string& username,
                           const std::string& password) {
    return c.post("/v1/sessions", json{{"username", username}, {"password", password}}.dump(),
                  {{"Content-Type", "application/json"}});
}

// Makes an account with the admin key (an admin of the agency's region or above).
inline std::string make_person(HttpClient& c, const std::string& admin_key,
                               const std::string& agency, const std::string& role,
                               const std::string& username,
                               const std::string& display_name = "Test Person") {
    Response r = c.post("/v1/people",
                        json{{"username", username},
                             {"display_name", display_name},
                             {"agency", agency},
                             {"role", role},
                             {"password", kTestPassword}}
                            .dump(),
                        json_auth(admin_key));
    INFO(describe(r));
    REQUIRE(r.status == 201);
    return r.json()["id"];
}

// The session a successful sign-in reply (201) gives.
inline SignedIn signed_in_from(const HttpClient& c, const Response& r) {
    SignedIn s;
    s.person_id = r.json()["person"]["id"];
    s.cookie = cookie_of(r);
    s.csrf = r.json()["csrf_token"];
    s.origin = own_origin(c);
    return s;
}

inline SignedIn sign_in(HttpClient& c, const std::string& username,
                        const std::string& password = kTestPassword) {
    Response r = sign_in_as(c, username, password);
    INFO(describe(r));
    REQUIRE(r.status == 201);
    return signed_in_from(c, r);
}

// What a browser sends with the session: the cookie, its Origin, and the CSRF token.
inline Headers session_headers(const SignedIn& s, bool with_json = false) {
    Headers h{{"Cookie", s.cookie}, {"Origin", s.origin}, {"X-CSRF-Token", s.csrf}};
    if (with_json) h.emplace_back("Content-Type", "application/json");
    return h;
}

}  // namespace clue_router::it

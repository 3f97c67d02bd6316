// Who may see what: every endpoint × role × own / other agency, from one table. A record
// outside the caller's scope is 404, exactly as for an id that does not exist, so ids reveal
// nothing; 403 is only for what the caller can see but may not do.
//
// To cover a new endpoint, add one row to kMatrix. Placeholders in the target: {clue},
// {ticket} (the ticket to proc-511702 made from {clue}), {spare_key} (a key made for the
// test), {missing} (an id that exists nowhere).
#include <algorithm>
#include <chrono>
#include <map>
#include <thread>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

// Expected status per role; "own" means the key's agency is the clue's sender (intake) or
// the ticket's recipient (staff, supervisor, admin of that agency), "other" an unrelated one.
struct PerRole {
    int intake, staff, supervisor, admin;
};

struct Row {
    std::string method;
    std::string target;
    std::string body;  // JSON, or empty for none
    Headers headers;
    PerRole own;
    PerRole other;
};

constexpr int kPublic = 200;

const std::vector<Row> kMatrix = {
    // clues
    {"POST", "/v1/clues", "@new-clue", {}, {201, 201, 403, 403}, {201, 201, 403, 403}},
    {"GET", "/v1/clues/{clue}", "", {}, {200, 200, 404, 200}, {404, 404, 404, 200}},
    {"GET", "/v1/clues/{clue}?reveal=true", "", {}, {200, 200, 404, 403}, {404, 404, 404, 403}},
    {"GET", "/v1/clues/{clue}?reveal=true", "", {{"Break-Glass-Reason", "court order 17"}},
     {200, 200, 404, 200}, {404, 404, 404, 200}},
    {"GET", "/v1/clues/{clue}/screenings", "", {}, {200, 200, 404, 200}, {404, 404, 404, 200}},
    {"GET", "/v1/review-queue", "", {}, {200, 200, 403, 200}, {200, 200, 403, 200}},
    // tickets
    {"GET", "/v1/tickets", "", {}, {200, 200, 403, 200}, {200, 200, 403, 200}},
    {"GET", "/v1/tickets/{ticket}", "", {}, {200, 200, 404, 200}, {404, 404, 404, 200}},
    {"GET", "/v1/tickets/{ticket}/history", "", {}, {200, 200, 404, 200}, {404, 404, 404, 200}},
    // A move the state table refuses (a pending ticket cannot be started), so the row leaves
    // the ticket as it was: 409 for the parties, 403 for admins, who never move tickets.
    {"POST", "/v1/tickets/{ticket}/transitions", R"({"action":"start"})", {{"If-Match", "\"1\""}},
     {409, 409, 404, 403}, {404, 404, 404, 403}},
    // keys and the audit trail: admins only
    {"GET", "/v1/keys", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    {"POST", "/v1/keys", R"({"agency":"fed-511702","role":"staff","label":"matrix"})", {},
     {403, 403, 403, 201}, {403, 403, 403, 201}},
    {"POST", "/v1/keys/{spare_key}/revoke", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    {"GET", "/v1/audit", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    {"GET", "/v1/audit/verify", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    // criteria administration
    {"POST", "/v1/admin/criteria/reload", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    {"POST", "/v1/admin/rescreen", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    // public
    {"GET", "/healthz", "", {}, {kPublic, kPublic, kPublic, kPublic},
     {kPublic, kPublic, kPublic, kPublic}},
};

const char* const kRoles[] = {"intake", "staff", "supervisor", "admin"};

int expected(const PerRole& p, const std::string& role) {
    if (role == "intake") return p.intake;
    if (role == "staff") return p.staff;
    if (role == "supervisor") return p.supervisor;
    return p.admin;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
        s.replace(at, from.size(), to);
    }
    return s;
}

}  // namespace

TEST_CASE("the access matrix: every endpoint, role and agency relation", "[integration][scope]") {
    TestServer server;
    HttpClient& c = server.client();

    // Own: the clue's sender for intake; the ticket's recipient for the others.
    const std::map<std::string, std::pair<std::string, std::string>> agencies = {
        {"intake", {kHotline, "platform-sc"}},
        {"staff", {"proc-511702", "proc-510104"}},
        {"supervisor", {"proc-511702", "proc-510104"}},
        {"admin", {"proc-511702", "proc-510104"}},
    };

    Response created = submit(c, server.key_for(kHotline, "intake"),
                              make_clue("511702", "matrix-base"));
    REQUIRE(created.status == 201);
    const std::string clue = created.json()["clue"]["id"];
    std::string ticket;
    const json created_body = created.json();  // kept: a loop over a temporary's member dangles
    for (const auto& t : created_body["tickets"]) {
        if (t["recipient_agency"] == "proc-511702") ticket = t["id"];
    }
    REQUIRE_FALSE(ticket.empty());

    const std::string admin_key = server.key_for("proc-510000", "admin");
    Response spare = c.post("/v1/keys", R"({"agency":"fed-510000","role":"staff"})",
                            json_auth(admin_key));
    REQUIRE(spare.status == 201);
    const std::string spare_key = spare.json()["id"];
    const std::string missing = "01a20685-0000-7000-8000-000000000000";

    int n = 0;
    for (const Row& row : kMatrix) {
        for (const char* role : kRoles) {
            for (const bool own : {true, false}) {
                const auto& [own_agency, other_agency] = agencies.at(role);
                const std::string& agency = own ? own_agency : other_agency;
                const std::string& key = server.key_for(agency, role);
                const std::string target = replace_all(
                    replace_all(replace_all(row.target, "{clue}", clue), "{ticket}", ticket),
                    "{spare_key}", spare_key);
                std::string body = row.body;
                if (body == "@new-clue") {
                    body = make_clue("511702", "matrix-" + std::to_string(++n)).dump();
                }
                Headers headers = row.body.empty() ? auth(key) : json_auth(key);
                headers.insert(headers.end(), row.headers.begin(), row.headers.end());
                const auto verb = row.method == "GET" ? http::verb::get : http::verb::post;
                Response r = c.request(verb, target, body, headers);
                const int want = expected(own ? row.own : row.other, role);
                INFO(row.method << " " << row.target << " as " << role << " of " << agency
                                << (own ? " (own)" : " (other)") << "\n"
                                << describe(r));
                CHECK(r.status == want);

                // Outside scope looks exactly like nothing at all.
                if (want == 404) {
                    const std::string nowhere =
                        replace_all(replace_all(replace_all(row.target, "{clue}", missing),
                                                "{ticket}", missing),
                                    "{spare_key}", missing);
                    Response absent = c.request(verb, nowhere, body, headers);
                    CHECK(absent.status == 404);
                    CHECK(absent.json()["type"] == r.json()["type"]);
                    CHECK(absent.json()["detail"] == r.json()["detail"]);
                }
            }
        }
    }
}

TEST_CASE("keys over the API: shown once, listed without secrets, revoked at once",
          "[integration][keys]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string admin = server.key_for("proc-510000", "admin");

    Response made = c.post(
        "/v1/keys", R"({"agency":"proc-511702","role":"staff","label":"case system","expires_at":"2099-01-01T00:00:00Z"})",
        json_auth(admin));
    REQUIRE(made.status == 201);
    CHECK(made.header("cache-control") == "no-store");
    const json key = made.json();
    const std::string secret = key["secret"];
    CHECK(secret.rfind("crk_", 0) == 0);
    CHECK(key["expires_at"] == "2099-01-01T00:00:00.000Z");
    CHECK(key["last_used_at"].is_null());

    // The new key works, and its first use is recorded.
    CHECK(get(c, secret, "/v1/tickets").status == 200);
    Response listed = get(c, admin, "/v1/keys");
    REQUIRE(listed.status == 200);
    CHECK(listed.body.find(secret) == std::string::npos);
    CHECK(listed.body.find("key_hash") == std::string::npos);
    // "Last used" is written by the writer thread just after the request: allow it a moment.
    bool used = false;
    for (int i = 0; i < 250 && !used; ++i) {
        const json keys = get(c, admin, "/v1/keys").json();
        for (const auto& k : keys["items"]) {
            if (k["id"] == key["id"] && !k["last_used_at"].is_null()) used = true;
        }
        if (!used) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(used);

    // Revoked: the very next request with it is refused.
    Response revoked = c.post("/v1/keys/" + key["id"].get<std::string>() + "/revoke", "",
                              auth(admin));
    REQUIRE(revoked.status == 200);
    CHECK_FALSE(revoked.json()["revoked_at"].is_null());
    CHECK_PROBLEM(get(c, secret, "/v1/tickets"), 401, "unauthenticated");
    CHECK(c.post("/v1/keys/key_nope/revoke", "", auth(admin)).status == 404);

    // Bad requests name the fields, never echo them.
    Response bad = c.post("/v1/keys", R"({"agency":"nowhere","role":"boss","colour":"x"})",
                          json_auth(admin));
    CHECK_PROBLEM(bad, 422, "validation");
    CHECK(has_pointer(bad, "/role"));
    CHECK(has_pointer(bad, "/colour"));
    Response past = c.post(
        "/v1/keys", R"({"agency":"proc-511702","role":"staff","expires_at":"2001-01-01T00:00:00Z"})",
        json_auth(admin));
    CHECK_PROBLEM(past, 422, "validation");
    CHECK(has_pointer(past, "/expires_at"));

    // The audit trail holds both changes.
    Response audit = get(c, admin, "/v1/audit?limit=200");
    REQUIRE(audit.status == 200);
    std::vector<std::string> actions;
    const json audit_body = audit.json();
    for (const auto& row : audit_body["items"]) actions.push_back(row["action"]);
    CHECK(std::count(actions.begin(), actions.end(), "api_key.created") >= 1);
    CHECK(std::count(actions.begin(), actions.end(), "api_key.revoked") == 1);
}

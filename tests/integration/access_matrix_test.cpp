// Who may see what: every endpoint × role × own / other agency × key / session, from one
// table: a person signed in (issue 15) may do exactly what a key of her agency and role may. A
// record outside the caller's scope is 404, exactly as for an id that does not exist, so ids reveal
// nothing; 403 is only for what the caller can see but may not do.
//
// To cover a new endpoint, add one row to kMatrix. Placeholders in the target and body:
// {clue}, {ticket} (the ticket to proc-511702 made from {clue}), {case} (the case of {clue}),
// {measure} (an id standing for a measure of {ticket}), {clue2} (a second clue like {clue}),
// {spare_key} (a key made for the test), {endpoint} (a webhook endpoint of proc-511702),
// {fresh_endpoint} (a new such endpoint for each request, for deletions), {delivery} (a
// delivery to {endpoint}); each is replaced by an id that exists nowhere to check that an
// out-of-scope 404 looks like a missing record.
#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/sessions.hpp"
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
    // A person gives a reason for a clear read (a key may); without one she gets 400
    // (second_factor_test).
    {"GET",
     "/v1/clues/{clue}?reveal=true",
     "",
     {{"Reveal-Reason", "returning her call"}},
     {200, 200, 404, 403},
     {404, 404, 404, 403}},
    {"GET",
     "/v1/clues/{clue}?reveal=true",
     "",
     {{"Break-Glass-Reason", "court order 17"}, {"Reveal-Reason", "returning her call"}},
     {200, 200, 404, 200},
     {404, 404, 404, 200}},
    {"GET", "/v1/clues/{clue}/screenings", "", {}, {200, 200, 404, 200}, {404, 404, 404, 200}},
    // the case: its sender and the agencies handling it (before the link rows change it)
    {"GET", "/v1/cases/{case}", "", {}, {200, 200, 404, 200}, {404, 404, 404, 200}},
    {"GET", "/v1/review-queue", "", {}, {200, 200, 403, 200}, {200, 200, 403, 200}},
    // tickets
    {"GET", "/v1/tickets", "", {}, {200, 200, 403, 200}, {200, 200, 403, 200}},
    {"GET", "/v1/tickets/{ticket}", "", {}, {200, 200, 404, 200}, {404, 404, 404, 200}},
    {"GET", "/v1/tickets/{ticket}/history", "", {}, {200, 200, 404, 200}, {404, 404, 404, 200}},
    // A move the state table refuses (a pending ticket cannot be started), so the row leaves
    // the ticket as it was: 409 for the parties, 403 for admins, who never move tickets.
    {"POST",
     "/v1/tickets/{ticket}/transitions",
     R"({"action":"start"})",
     {{"If-Match", "\"1\""}},
     {409, 409, 404, 403},
     {404, 404, 404, 403}},
    // taking tickets (issue 15): giving back a ticket nobody took changes nothing (no new
    // version), so {ticket} stays as the rows after this one expect it. Staff of the recipient
    // only; "me" (a person's claim) is the key's 422, in assignment_test.cpp.
    {"POST",
     "/v1/tickets/{ticket}/assignment",
     R"({"assignee":null})",
     {{"If-Match", "\"1\""}},
     {403, 200, 404, 403},
     {404, 404, 404, 403}},
    {"GET", "/v1/tickets?assignee=none", "", {}, {200, 200, 403, 200}, {200, 200, 403, 200}},
    // work over time: {ticket} is still pending, so its recipient's staff get 409 (past scope
    // and role: a pending ticket takes no work yet); the sender's intake key 403; admins 403.
    {"POST",
     "/v1/tickets/{ticket}/notes",
     R"({"text":"matrix"})",
     {},
     {403, 409, 404, 403},
     {404, 404, 404, 403}},
    {"POST",
     "/v1/tickets/{ticket}/measures",
     R"({"type":"shelter","provider_agency":"fed-511702","status":"planned"})",
     {},
     {403, 409, 404, 403},
     {404, 404, 404, 403}},
    {"PATCH",
     "/v1/tickets/{ticket}/measures/{measure}",
     R"({"status":"provided","on":"2026-11-20"})",
     {{"If-Match", "\"1\""}},
     {403, 409, 404, 403},
     {404, 404, 404, 403}},
    // keys and the audit trail: admins only
    {"GET", "/v1/keys", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    // An admin manages the agencies of her region only (issue 14 item 3): fed-511702 lies in
    // proc-511702's county, not in proc-510104's district.
    {"POST",
     "/v1/keys",
     R"({"agency":"fed-511702","role":"staff","label":"matrix"})",
     {},
     {403, 403, 403, 201},
     {403, 403, 403, 422}},
    {"POST", "/v1/keys/{spare_key}/revoke", "", {}, {403, 403, 403, 200}, {403, 403, 403, 404}},
    {"GET", "/v1/audit", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    {"GET", "/v1/audit/verify", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    // criteria administration
    {"POST", "/v1/admin/criteria/reload", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    {"POST", "/v1/admin/rescreen", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    // same person: staff link clues both of which they handle
    {"POST",
     "/v1/clues/{clue}/links",
     R"({"clue_id":"{clue2}"})",
     {},
     {403, 200, 404, 403},
     {404, 404, 404, 403}},
    {"DELETE",
     "/v1/clues/{clue}/links/{clue2}",
     "",
     {},
     {403, 200, 404, 403},
     {404, 404, 404, 403}},
    // the review queue's decisions (the clue was routed, so a party may see it is not queued)
    {"POST",
     "/v1/review-queue/{clue}/route",
     R"({"routes":[{"agency":"proc-511700","purpose":"judicial_assistance"}]})",
     {},
     {403, 404, 403, 409},
     {403, 404, 403, 409}},
    {"POST",
     "/v1/review-queue/{clue}/dismiss",
     R"({"reason":"matrix"})",
     {},
     {403, 404, 403, 409},
     {403, 404, 403, 409}},
    // the directory: everyone reads it, admins change it
    {"GET", "/v1/agencies", "", {}, {200, 200, 200, 200}, {200, 200, 200, 200}},
    {"GET", "/v1/agencies/proc-511702", "", {}, {200, 200, 200, 200}, {200, 200, 200, 200}},
    // A stale ETag, so the row changes nothing: 412 shows an admin got past the role check.
    {"PUT",
     "/v1/agencies/proc-511702",
     R"({"id":"proc-511702","kind":"procuratorate","name":"达州市通川区人民检察院","region":"511702","parent":"proc-511700","services":["judicial_assistance"],"accepts_referrals":true})",
     {{"If-Match", "\"999\""}},
     {403, 403, 403, 412},
     {403, 403, 403, 412}},
    {"POST", "/v1/admin/sweep-deadlines", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    // webhooks: an agency's staff manage its own endpoints and deliveries
    {"POST",
     "/v1/webhook-endpoints",
     R"({"url":"http://127.0.0.1:9/matrix"})",
     {},
     {403, 201, 403, 201},
     {403, 201, 403, 201}},
    {"GET", "/v1/webhook-endpoints", "", {}, {403, 200, 403, 200}, {403, 200, 403, 200}},
    {"GET", "/v1/webhook-endpoints/{endpoint}", "", {}, {403, 200, 403, 200}, {403, 404, 403, 404}},
    {"PATCH",
     "/v1/webhook-endpoints/{endpoint}",
     R"({"event_types":[]})",
     {},
     {403, 200, 403, 200},
     {403, 404, 403, 404}},
    {"POST",
     "/v1/webhook-endpoints/{endpoint}/rotate-secret",
     R"({"overlap_hours":1})",
     {},
     {403, 200, 403, 200},
     {403, 404, 403, 404}},
    {"DELETE",
     "/v1/webhook-endpoints/{fresh_endpoint}",
     "",
     {},
     {403, 204, 403, 204},
     {403, 404, 403, 404}},
    {"GET", "/v1/webhook-deliveries", "", {}, {403, 200, 403, 200}, {403, 200, 403, 200}},
    {"POST",
     "/v1/webhook-deliveries/{delivery}/retry",
     "",
     {},
     {403, 409, 403, 409},
     {403, 404, 403, 404}},
    {"POST",
     "/v1/hooks/proc-511702/secret",
     R"({"overlap_hours":0})",
     {},
     {403, 200, 403, 200},
     {403, 404, 403, 404}},
    // inbound hooks authenticate by signature, not by key: unsigned is refused for everyone
    {"POST",
     "/v1/hooks/proc-511702",
     R"({"action":"accept"})",
     {},
     {401, 401, 401, 401},
     {401, 401, 401, 401}},
    // progress figures: every role, each within its own scope. region=511702 lies within
    // proc-511702's region and the hotlines' province, outside proc-510104's: 403 naming
    // /query/region (region codes are public; docs/api.md, "Progress figures").
    {"GET", "/v1/stats", "", {}, {200, 200, 200, 200}, {200, 200, 200, 200}},
    {"GET",
     "/v1/stats?by=agency",
     "",
     {{"Accept", "text/csv"}},
     {200, 200, 200, 200},
     {200, 200, 200, 200}},
    {"GET", "/v1/stats?region=511702", "", {}, {200, 200, 200, 200}, {200, 403, 403, 200}},
    {"GET", "/v1/stats?region=510000", "", {}, {200, 403, 403, 200}, {200, 403, 403, 200}},
    // people's accounts (issue 15)
    {"GET", "/v1/people", "", {}, {403, 403, 403, 200}, {403, 403, 403, 200}},
    // public
    {"GET",
     "/healthz",
     "",
     {},
     {kPublic, kPublic, kPublic, kPublic},
     {kPublic, kPublic, kPublic, kPublic}},
    {"GET",
     "/v1/openapi.json",
     "",
     {},
     {kPublic, kPublic, kPublic, kPublic},
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

    Response created =
        submit(c, server.key_for(kHotline, "intake"), make_clue("511702", "matrix-base"));
    REQUIRE(created.status == 201);
    const std::string clue = created.json()["clue"]["id"];
    const std::string case_id = created.json()["case"]["id"];
    std::string ticket;
    const json created_body = created.json();  // kept: a loop over a temporary's member dangles
    for (const auto& t : created_body["tickets"]) {
        if (t["recipient_agency"] == "proc-511702") ticket = t["id"];
    }
    REQUIRE_FALSE(ticket.empty());

    const std::string admin_key = server.key_for("proc-510000", "admin");
    // In the own admin's county, outside the other admin's district (issue 14 item 3).
    Response spare =
        c.post("/v1/keys", R"({"agency":"fed-511702","role":"staff"})", json_auth(admin_key));
    REQUIRE(spare.status == 201);
    const std::string spare_key = spare.json()["id"];
    const std::string missing = "01a20685-0000-7000-8000-000000000000";

    // A second clue like the first, for links.
    Response second =
        submit(c, server.key_for(kHotline, "intake"), make_clue("511702", "matrix-second"));
    REQUIRE(second.status == 201);
    const std::string clue2 = second.json()["clue"]["id"];

    // An endpoint of proc-511702 (to a port nobody listens on) and a delivery to it.
    const auto new_endpoint = [&] {
        Response made = c.post("/v1/webhook-endpoints",
                               R"({"agency_id":"proc-511702","url":"http://127.0.0.1:9/hooks"})",
                               json_auth(admin_key));
        REQUIRE(made.status == 201);
        return made.json()["id"].get<std::string>();
    };
    const std::string endpoint = new_endpoint();
    REQUIRE(
        submit(c, server.key_for(kHotline, "intake"), make_clue("511702", "matrix-hook")).status ==
        201);
    Response deliveries = get(c, admin_key, "/v1/webhook-deliveries");
    REQUIRE(deliveries.status == 200);
    const json delivery_list = deliveries.json();
    REQUIRE_FALSE(delivery_list["items"].empty());
    const std::string delivery = delivery_list["items"][0]["id"];

    // Every placeholder, with what it stands for; "nowhere" puts a missing id in each.
    const auto fill = [&](std::string text, bool nowhere) {
        const std::pair<const char*, std::string> ids[] = {
            {"{clue2}", clue2},         {"{clue}", clue},         {"{ticket}", ticket},
            {"{spare_key}", spare_key}, {"{endpoint}", endpoint}, {"{delivery}", delivery},
            {"{case}", case_id},        {"{measure}", missing},
        };
        for (const auto& [name, id] : ids) text = replace_all(text, name, nowhere ? missing : id);
        if (text.find("{fresh_endpoint}") != std::string::npos) {
            text = replace_all(text, "{fresh_endpoint}", nowhere ? missing : new_endpoint());
        }
        return text;
    };
    const std::map<std::string, http::verb> verbs = {{"GET", http::verb::get},
                                                     {"POST", http::verb::post},
                                                     {"PUT", http::verb::put},
                                                     {"PATCH", http::verb::patch},
                                                     {"DELETE", http::verb::delete_}};

    // A person of each agency and role, signed in: the same rows, by session cookie.
    std::map<std::pair<std::string, std::string>, SignedIn> sessions;
    for (const char* role : kRoles) {
        for (const auto& agency : {agencies.at(role).first, agencies.at(role).second}) {
            const std::string username = std::string(role) + "." + agency;
            make_person(c, admin_key, agency, role, username);
            sessions.emplace(std::make_pair(agency, std::string(role)), sign_in(c, username));
        }
    }

    int n = 0;
    for (const bool by_session : {false, true}) {
        for (const Row& row : kMatrix) {
            for (const char* role : kRoles) {
                for (const bool own : {true, false}) {
                    const auto& [own_agency, other_agency] = agencies.at(role);
                    const std::string& agency = own ? own_agency : other_agency;
                    const std::string& key = server.key_for(agency, role);
                    const std::string target = fill(row.target, false);
                    std::string body = fill(row.body, false);
                    if (body == "@new-clue") {
                        body = make_clue("511702", "matrix-" + std::to_string(++n)).dump();
                    }
                    Headers headers = row.body.empty() ? auth(key) : json_auth(key);
                    if (by_session) {
                        headers = session_headers(sessions.at({agency, std::string(role)}),
                                                  !row.body.empty());
                    }
                    headers.insert(headers.end(), row.headers.begin(), row.headers.end());
                    const auto verb = verbs.at(row.method);
                    Response r = c.request(verb, target, body, headers);
                    const int want = expected(own ? row.own : row.other, role);
                    INFO(row.method << " " << row.target << " as " << role << " of " << agency
                                    << (own ? " (own)" : " (other)")
                                    << (by_session ? " by session" : " by key") << "\n"
                                    << describe(r));
                    CHECK(r.status == want);

                    // Outside scope looks exactly like nothing at all.
                    if (want == 404) {
                        Response absent =
                            c.request(verb, fill(row.target, true), fill(row.body, true), headers);
                        CHECK(absent.status == 404);
                        CHECK(absent.json()["type"] == r.json()["type"]);
                        CHECK(absent.json()["detail"] == r.json()["detail"]);
                    }
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
        "/v1/keys",
        R"({"agency":"proc-511702","role":"staff","label":"case system","expires_at":"2099-01-01T00:00:00Z"})",
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
    Response revoked =
        c.post("/v1/keys/" + key["id"].get<std::string>() + "/revoke", "", auth(admin));
    REQUIRE(revoked.status == 200);
    CHECK_FALSE(revoked.json()["revoked_at"].is_null());
    CHECK_PROBLEM(get(c, secret, "/v1/tickets"), 401, "unauthenticated");
    CHECK(c.post("/v1/keys/key_nope/revoke", "", auth(admin)).status == 404);

    // Bad requests name the fields, never echo them.
    Response bad =
        c.post("/v1/keys", R"({"agency":"nowhere","role":"boss","colour":"x"})", json_auth(admin));
    CHECK_PROBLEM(bad, 422, "validation");
    CHECK(has_pointer(bad, "/role"));
    CHECK(has_pointer(bad, "/colour"));
    Response past =
        c.post("/v1/keys",
               R"({"agency":"proc-511702","role":"staff","expires_at":"2001-01-01T00:00:00Z"})",
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

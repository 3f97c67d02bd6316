// Taking tickets (issue 15), over real HTTP against the real binary: a person of the recipient
// agency claims a ticket, a colleague (or the agency's key) assigns it to someone else, and it
// is given back; the version moves, the history names who did it and whom it went to, the
// recipient's endpoints are told (ids only), and inboxes filter by assignee. And notes name the
// person who wrote them.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/sessions.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

const std::string kProc = "proc-511702";

// Cheap password hashes: their cost is not under test here.
struct AssignmentServer {
    TestServer server{{}, false};
    HttpClient* client = nullptr;
    std::string admin;

    AssignmentServer() {
        server.set_env("CLUE_ROUTER_PASSWORD_MEMORY_KIB", "1024");
        server.set_env("CLUE_ROUTER_PASSWORD_ITERATIONS", "1");
        server.start();
        client = &server.client();
        admin = server.key_for("proc-510000", "admin");
    }
    std::string person(const std::string& agency, const std::string& role,
                       const std::string& username, const std::string& name) {
        return make_person(*client, admin, agency, role, username, name);
    }
};

// The tickets of a new clue from the 12309 hotline for a woman of 511702: one to the
// procuratorate, one to the women's federation.
struct Routed {
    std::string proc;
    std::string fed;
};

Routed route_clue(TestServer& server, const std::string& reference) {
    Response r =
        submit(server.client(), server.key_for(kHotline, "intake"), make_clue("511702", reference));
    INFO(describe(r));
    REQUIRE(r.status == 201);
    const json body = r.json();  // kept: a loop over a temporary's member dangles
    Routed out;
    for (const auto& t : body["tickets"]) {
        if (t["recipient_agency"] == kProc) out.proc = t["id"];
        if (t["recipient_agency"] == "fed-511702") out.fed = t["id"];
    }
    REQUIRE_FALSE(out.proc.empty());
    REQUIRE_FALSE(out.fed.empty());
    return out;
}

Headers with_if_match(Headers h, const std::optional<std::string>& if_match) {
    if (if_match) h.emplace_back("If-Match", *if_match);
    return h;
}

Response assign_by_key(HttpClient& c, const std::string& key, const std::string& ticket,
                       const json& body, const std::optional<std::string>& if_match) {
    return c.post("/v1/tickets/" + ticket + "/assignment", body.dump(),
                  with_if_match(json_auth(key), if_match));
}

Response assign_by_session(HttpClient& c, const SignedIn& s, const std::string& ticket,
                           const json& body, const std::optional<std::string>& if_match) {
    return c.post("/v1/tickets/" + ticket + "/assignment", body.dump(),
                  with_if_match(session_headers(s, true), if_match));
}

json history_of(HttpClient& c, const std::string& key, const std::string& ticket) {
    Response r = get(c, key, "/v1/tickets/" + ticket + "/history");
    INFO(describe(r));
    REQUIRE(r.status == 200);
    return r.json()["items"];
}

std::vector<json> events_of_type(const json& items, const std::string& prefix) {
    std::vector<json> out;
    for (const auto& e : items) {
        if (e["type"].get<std::string>().rfind(prefix, 0) == 0) out.push_back(e);
    }
    return out;
}

std::vector<std::string> ids_in(HttpClient& c, const Headers& headers, const std::string& target) {
    Response r = c.get(target, headers);
    INFO(target << "\n" << describe(r));
    REQUIRE(r.status == 200);
    std::vector<std::string> ids;
    const json body = r.json();
    for (const auto& t : body["items"]) ids.push_back(t["id"]);
    return ids;
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

TEST_CASE("assignment: staff claim, assign and give back a ticket, and the version moves",
          "[integration][assignment]") {
    AssignmentServer s;
    HttpClient& c = *s.client;
    const std::string li = s.person(kProc, "staff", "li.na", "李娜");
    const std::string wang = s.person(kProc, "staff", "wang.fang", "王芳");
    const std::string proc_key = s.server.key_for(kProc, "staff");
    const SignedIn li_in = sign_in(c, "li.na");
    const std::string ticket = route_clue(s.server, "assign-claim").proc;

    Response before = c.get("/v1/tickets/" + ticket, session_headers(li_in));
    REQUIRE(before.status == 200);
    CHECK(before.json()["assignee"].is_null());

    // She takes it (a pending ticket too: she takes it to decide on it).
    Response claimed = assign_by_session(c, li_in, ticket, {{"assignee", "me"}}, etag(1));
    REQUIRE_STATUS(claimed, 200);
    CHECK(claimed.header("etag") == etag(2));
    CHECK(claimed.json()["version"] == 2);
    CHECK(claimed.json()["status"] == "pending");
    CHECK(claimed.json()["assignee"] == json{{"id", li}, {"display_name", "李娜"}});

    // Taking it again changes nothing: same version, no second event.
    Response again = assign_by_session(c, li_in, ticket, {{"assignee", "me"}}, etag(2));
    REQUIRE_STATUS(again, 200);
    CHECK(again.json()["version"] == 2);
    // If-Match guards it as it guards transitions.
    Response stale = assign_by_session(c, li_in, ticket, {{"assignee", nullptr}}, etag(1));
    CHECK_PROBLEM(stale, 412, "precondition-failed");
    CHECK(stale.header("etag") == etag(2));
    CHECK_PROBLEM(assign_by_session(c, li_in, ticket, {{"assignee", nullptr}}, std::nullopt), 428,
                  "precondition-required");

    // The agency's case system hands it to her colleague.
    Response handed = assign_by_key(c, proc_key, ticket, {{"assignee", wang}}, etag(2));
    REQUIRE_STATUS(handed, 200);
    CHECK(handed.json()["version"] == 3);
    CHECK(handed.json()["assignee"] == json{{"id", wang}, {"display_name", "王芳"}});

    // And she gives it back.
    Response back = assign_by_session(c, li_in, ticket, {{"assignee", nullptr}}, etag(3));
    REQUIRE_STATUS(back, 200);
    CHECK(back.json()["version"] == 4);
    CHECK(back.json()["assignee"].is_null());
    // Unassigning a ticket nobody has changes nothing either.
    CHECK(assign_by_key(c, proc_key, ticket, {{"assignee", nullptr}}, etag(4)).json()["version"] ==
          4);
    Response after = get(c, proc_key, "/v1/tickets/" + ticket);
    CHECK(after.header("etag") == etag(4));
    CHECK(after.json()["assignee"].is_null());

    // The history names who acted and whom the ticket went to and came from; the sender reads
    // it too.
    const auto events =
        events_of_type(history_of(c, s.server.key_for(kHotline, "intake"), ticket), "ticket.");
    std::vector<json> moves;
    for (const auto& e : events) {
        if (e["type"] == "ticket.assigned" || e["type"] == "ticket.unassigned") moves.push_back(e);
    }
    REQUIRE(moves.size() == 3);
    CHECK(moves[0]["type"] == "ticket.assigned");
    CHECK(moves[0]["assignee"] == li);
    CHECK_FALSE(moves[0].contains("previous_assignee"));
    CHECK(moves[0]["actor_person"] == json{{"id", li}, {"display_name", "李娜"}});
    CHECK(moves[0]["actor_key"] == li);
    CHECK(moves[0]["to_status"] == "pending");
    CHECK(moves[1]["type"] == "ticket.assigned");
    CHECK(moves[1]["assignee"] == wang);
    CHECK(moves[1]["previous_assignee"] == li);
    CHECK(moves[1]["actor_agency"] == kProc);
    CHECK_FALSE(moves[1].contains("actor_person"));  // a key acted
    CHECK(moves[2]["type"] == "ticket.unassigned");
    CHECK_FALSE(moves[2].contains("assignee"));
    CHECK(moves[2]["previous_assignee"] == wang);
    CHECK(moves[2]["actor_person"]["id"] == li);

    // Audited under her name.
    Response audit = get(c, s.admin, "/v1/audit?limit=200");
    REQUIRE(audit.status == 200);
    int rows = 0;
    const json audit_rows = audit.json();
    for (const auto& row : audit_rows["items"]) {
        if (row["action"] != "ticket.assigned" && row["action"] != "ticket.unassigned") continue;
        ++rows;
        CHECK(row["record"]["id"] == ticket);
    }
    CHECK(rows == 3);
}

TEST_CASE("assignment: a disabled account's open tickets go back to the inbox",
          "[integration][assignment]") {
    AssignmentServer s;
    HttpClient& c = *s.client;
    const std::string li = s.person(kProc, "staff", "li.na", "李娜");
    const std::string proc_key = s.server.key_for(kProc, "staff");
    const std::string open = route_clue(s.server, "disable-open").proc;
    const std::string done = route_clue(s.server, "disable-done").proc;
    for (const auto& ticket : {open, done}) {
        REQUIRE_STATUS(assign_by_key(c, proc_key, ticket, {{"assignee", li}}, etag(1)), 200);
    }
    REQUIRE_STATUS(transition(c, proc_key, done,
                              {{"action", "reject"},
                               {"reason_code", "wrong_jurisdiction"},
                               {"reason", "another county"}},
                              etag(2)),
                   200);

    // She leaves; the admin disables her account.
    Response disabled = c.post("/v1/people/" + li + "/disable", "{}", json_auth(s.admin));
    REQUIRE_STATUS(disabled, 200);

    // The open ticket waits for nobody: back in the inbox, unassigned, by the admin.
    Response after = get(c, proc_key, "/v1/tickets/" + open);
    CHECK(after.json()["assignee"].is_null());
    CHECK(after.header("etag") == etag(3));
    CHECK(contains(ids_in(c, auth(proc_key), "/v1/tickets?assignee=none"), open));
    const auto moves = events_of_type(history_of(c, proc_key, open), "ticket.unassigned");
    REQUIRE(moves.size() == 1);
    CHECK(moves[0]["previous_assignee"] == li);
    CHECK(moves[0]["actor_agency"] == "proc-510000");
    // A finished ticket keeps the name of who finished it.
    CHECK(get(c, proc_key, "/v1/tickets/" + done).json()["assignee"]["id"] == li);

    Response audit = get(c, s.admin, "/v1/audit?limit=200");
    const json audit_rows = audit.json();
    int released = -1;
    for (const auto& row : audit_rows["items"]) {
        if (row["action"] == "person.disabled") released = row["detail"]["tickets_released"];
    }
    CHECK(released == 1);
}

TEST_CASE("assignment: only staff of the recipient agency, to staff of that agency",
          "[integration][assignment][scope]") {
    AssignmentServer s;
    HttpClient& c = *s.client;
    const std::string li = s.person(kProc, "staff", "li.na", "李娜");
    const std::string chief = s.person(kProc, "supervisor", "chief", "Chief");
    const std::string gone = s.person(kProc, "staff", "gone", "Gone");
    const std::string elsewhere = s.person("proc-510104", "staff", "elsewhere", "Elsewhere");
    const std::string fed_person = s.person("fed-511702", "staff", "fed.staff", "Fed");
    s.person(kHotline, "intake", "operator", "Operator");
    s.person(kProc, "admin", "proc.admin", "Admin");
    REQUIRE(c.post("/v1/people/" + gone + "/disable", "", auth(s.admin)).status == 200);
    const Routed routed = route_clue(s.server, "assign-scope");
    const std::string& ticket = routed.proc;
    const json claim{{"assignee", "me"}};

    // Another agency's staff: the ticket is not theirs to see.
    const std::string other_key = s.server.key_for("proc-510104", "staff");
    CHECK_PROBLEM(assign_by_key(c, other_key, ticket, {{"assignee", li}}, etag(1)), 404,
                  "not-found");
    CHECK_PROBLEM(assign_by_session(c, sign_in(c, "elsewhere"), ticket, claim, etag(1)), 404,
                  "not-found");
    // A supervisor sees figures, no tickets.
    CHECK_PROBLEM(assign_by_session(c, sign_in(c, "chief"), ticket, claim, etag(1)), 404,
                  "not-found");
    // The sender's intake, the case's other agency, admins: they see it, and may not.
    CHECK_PROBLEM(assign_by_session(c, sign_in(c, "operator"), ticket, claim, etag(1)), 403,
                  "forbidden");
    CHECK_PROBLEM(assign_by_key(c, s.server.key_for(kHotline, "intake"), ticket,
                                {{"assignee", nullptr}}, etag(1)),
                  403, "forbidden");
    CHECK_PROBLEM(assign_by_session(c, sign_in(c, "fed.staff"), ticket, claim, etag(1)), 403,
                  "forbidden");
    CHECK_PROBLEM(assign_by_key(c, s.admin, ticket, {{"assignee", li}}, etag(1)), 403, "forbidden");
    CHECK_PROBLEM(assign_by_session(c, sign_in(c, "proc.admin"), ticket, claim, etag(1)), 403,
                  "forbidden");

    // A key is no one: "me" needs a person.
    const std::string proc_key = s.server.key_for(kProc, "staff");
    CHECK_FIELD_ERROR(assign_by_key(c, proc_key, ticket, claim, etag(1)), "/assignee");
    // Only an enabled staff account of the recipient agency takes it, and one answer says so
    // whoever else is named.
    std::string refusal;
    for (const std::string& who : {chief, gone, elsewhere, fed_person,
                                   std::string("psn_01a20685-0000-7000-8000-000000000000")}) {
        Response r = assign_by_key(c, proc_key, ticket, {{"assignee", who}}, etag(1));
        CHECK_FIELD_ERROR(r, "/assignee");
        const std::string detail = r.json()["errors"][0]["detail"];
        if (refusal.empty()) refusal = detail;
        CHECK(detail == refusal);
    }
    for (const json& bad : {json{{"assignee", "li.na"}}, json{{"assignee", 1}}, json::object(),
                            json{{"assignee", li}, {"extra", true}}}) {
        CHECK_PROBLEM(assign_by_key(c, proc_key, ticket, bad, etag(1)), 422, "validation");
    }
    // Nothing of this changed the ticket.
    CHECK(get(c, proc_key, "/v1/tickets/" + ticket).header("etag") == etag(1));

    // A finished ticket is not assigned any more: the sender cancels the federation's.
    REQUIRE(transition(c, s.server.key_for(kHotline, "intake"), routed.fed, {{"action", "cancel"}},
                       etag(1))
                .status == 200);
    CHECK_PROBLEM(assign_by_session(c, sign_in(c, "fed.staff"), routed.fed, claim, etag(2)), 409,
                  "conflict");
    // Closed, too.
    const std::string closing = route_clue(s.server, "assign-closed").proc;
    REQUIRE(transition(c, proc_key, closing, {{"action", "accept"}}, etag(1)).status == 200);
    REQUIRE(
        transition(c, proc_key, closing, {{"action", "close"}, {"outcome", "unreachable"}}, etag(2))
            .status == 200);
    CHECK_PROBLEM(assign_by_key(c, proc_key, closing, {{"assignee", li}}, etag(3)), 409,
                  "conflict");
}

TEST_CASE("assignment: inboxes filter by me, none and a person", "[integration][assignment]") {
    AssignmentServer s;
    HttpClient& c = *s.client;
    s.person(kProc, "staff", "li.na", "李娜");
    const std::string wang = s.person(kProc, "staff", "wang.fang", "王芳");
    const std::string proc_key = s.server.key_for(kProc, "staff");
    const SignedIn li_in = sign_in(c, "li.na");
    const SignedIn wang_in = sign_in(c, "wang.fang");
    const std::string first = route_clue(s.server, "assign-filter-1").proc;
    const std::string second = route_clue(s.server, "assign-filter-2").proc;
    const std::string third = route_clue(s.server, "assign-filter-3").proc;
    REQUIRE_STATUS(assign_by_session(c, li_in, first, {{"assignee", "me"}}, etag(1)), 200);
    REQUIRE_STATUS(assign_by_key(c, proc_key, second, {{"assignee", wang}}, etag(1)), 200);
    REQUIRE(transition(c, proc_key, second, {{"action", "accept"}}, etag(2)).status == 200);

    const auto li_headers = session_headers(li_in);
    CHECK(ids_in(c, li_headers, "/v1/tickets?assignee=me") == std::vector<std::string>{first});
    CHECK(ids_in(c, session_headers(wang_in), "/v1/tickets?assignee=me") ==
          std::vector<std::string>{second});
    CHECK(ids_in(c, li_headers, "/v1/tickets?assignee=" + wang) ==
          std::vector<std::string>{second});
    CHECK(ids_in(c, auth(proc_key), "/v1/tickets?assignee=" + wang + "&status=accepted") ==
          std::vector<std::string>{second});
    CHECK(ids_in(c, auth(proc_key), "/v1/tickets?assignee=" + wang + "&status=pending").empty());
    const auto unassigned = ids_in(c, auth(proc_key), "/v1/tickets?assignee=none");
    CHECK(contains(unassigned, third));
    CHECK_FALSE(contains(unassigned, first));
    CHECK_FALSE(contains(unassigned, second));
    CHECK(ids_in(c, auth(proc_key), "/v1/tickets?box=inbox&assignee=none&limit=1") ==
          std::vector<std::string>{third});
    // Another agency's inbox holds none of them.
    CHECK(ids_in(c, auth(s.server.key_for("proc-510104", "staff")), "/v1/tickets?assignee=" + wang)
              .empty());

    // A key is no one; a filter must be one of the three; the inbox is where tickets are taken.
    Response key_me = get(c, proc_key, "/v1/tickets?assignee=me");
    CHECK_PROBLEM(key_me, 422, "validation");
    CHECK(has_pointer(key_me, "/query/assignee"));
    for (const char* bad : {"/v1/tickets?assignee=nobody", "/v1/tickets?assignee=psn_1",
                            "/v1/tickets?assignee=none&box=outbox"}) {
        Response r = get(c, proc_key, bad);
        INFO(bad);
        CHECK_PROBLEM(r, 400, "bad-request");
        CHECK(has_pointer(r, "/query/assignee"));
    }
}

TEST_CASE("assignment: the recipient's endpoints are told, with ids only",
          "[integration][assignment][webhooks]") {
    AssignmentServer s;
    HttpClient& c = *s.client;
    const std::string li = s.person(kProc, "staff", "li.na", "李娜");
    const std::string proc_key = s.server.key_for(kProc, "staff");
    const std::string sender_staff = s.server.key_for(kHotline, "staff");
    // Endpoints nobody listens on: the rows are what is under test, not their delivery.
    REQUIRE(post_webhook_endpoint(c, proc_key, "http://127.0.0.1:9/proc").status == 201);
    REQUIRE(post_webhook_endpoint(c, sender_staff, "http://127.0.0.1:9/hotline").status == 201);
    const std::string ticket = route_clue(s.server, "assign-hook").proc;

    REQUIRE_STATUS(assign_by_session(c, sign_in(c, "li.na"), ticket, {{"assignee", "me"}}, etag(1)),
                   200);
    REQUIRE_STATUS(assign_by_key(c, proc_key, ticket, {{"assignee", nullptr}}, etag(2)), 200);

    // Queued in the same transaction as the change: listed at once.
    std::vector<json> told;
    for (const auto& d : list_all(c, proc_key, "/v1/webhook-deliveries")) {
        const std::string type = d["event_type"];
        if (type == "ticket.assigned" || type == "ticket.unassigned") told.push_back(d);
    }
    REQUIRE(told.size() == 2);
    CHECK(told[0]["event_type"] == "ticket.assigned");
    const json data = told[0]["payload"]["data"];
    CHECK(data["ticket_id"] == ticket);
    CHECK(data["assignee"] == li);
    CHECK(data["version"] == 2);
    CHECK(data["actor_agency"] == kProc);
    CHECK(told[0]["payload"].dump().find("李娜") == std::string::npos);  // ids only
    CHECK(told[1]["event_type"] == "ticket.unassigned");
    CHECK(told[1]["payload"]["data"]["previous_assignee"] == li);
    CHECK_FALSE(told[1]["payload"]["data"].contains("assignee"));

    // The sender was told of the ticket, not of who took it.
    bool sender_told = false;
    for (const auto& d : list_all(c, sender_staff, "/v1/webhook-deliveries")) {
        const std::string type = d["event_type"];
        CHECK(type != "ticket.assigned");
        CHECK(type != "ticket.unassigned");
        if (type == "ticket.created") sender_told = true;
    }
    CHECK(sender_told);
}

TEST_CASE("notes name the person who wrote them, and a key's note no one",
          "[integration][assignment][notes]") {
    AssignmentServer s;
    HttpClient& c = *s.client;
    const std::string li = s.person(kProc, "staff", "li.na", "李娜");
    const std::string proc_key = s.server.key_for(kProc, "staff");
    const std::string ticket = route_clue(s.server, "assign-notes").proc;
    REQUIRE(transition(c, proc_key, ticket, {{"action", "accept"}}, etag(1)).status == 200);

    Response hers = c.post("/v1/tickets/" + ticket + "/notes", R"({"text":"已电话联系"})",
                           session_headers(sign_in(c, "li.na"), true));
    REQUIRE_STATUS(hers, 201);
    CHECK(hers.json()["author_person"] == json{{"id", li}, {"display_name", "李娜"}});
    CHECK(hers.json()["author_key"] == li);
    CHECK(hers.json()["author_agency"] == kProc);
    Response keys =
        c.post("/v1/tickets/" + ticket + "/notes", R"({"text":"系统同步"})", json_auth(proc_key));
    REQUIRE_STATUS(keys, 201);
    CHECK_FALSE(keys.json().contains("author_person"));

    // The history shows each note with its author, to the agencies of the case.
    const auto notes = events_of_type(history_of(c, proc_key, ticket), "ticket.note_added");
    REQUIRE(notes.size() == 2);
    CHECK(notes[0]["note"]["author_person"] == json{{"id", li}, {"display_name", "李娜"}});
    CHECK(notes[0]["actor_person"]["id"] == li);
    CHECK_FALSE(notes[1]["note"].contains("author_person"));
}

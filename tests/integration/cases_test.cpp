// One woman, one case, over HTTP against the real binary (issue 13): reports about her from
// several senders become one case, worked by the procuratorate and the federation side by
// side to the end, every report answered and its sender told; an agency outside the case
// sees nothing of it. With the hardening items 8 and 12 of issue 14 that concern cases.
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"
#include "integration/support/webhook_receiver.hpp"

using namespace clue_router::it;

namespace {

const std::string kProc = "proc-511702";
const std::string kFed = "fed-511702";
const std::string k12338 = "hotline-12338-sc";

Environment fast_webhooks() {
    return {{"CLUE_ROUTER_WEBHOOK_POLL_INTERVAL_MS", "50"},
            {"CLUE_ROUTER_WEBHOOK_RETRY_SCHEDULE_SECONDS", "1,1,1,1,1,1,1,1"},
            {"CLUE_ROUTER_WEBHOOK_TIMEOUT_MS", "1000"}};
}

// The woman of "CASE-W": every report below carries her ID number or her phone.
json report(const std::string& reference, const std::string& channel, json indicators,
            const std::string& narrative) {
    json c = make_clue("511702", reference);
    const json her = make_clue("511702", "CASE-W");
    c["subject"]["id_number"] = her["subject"]["id_number"];
    c["subject"]["phone"] = her["subject"]["phone"];
    c["source"]["channel"] = channel;
    c["indicators"] = std::move(indicators);
    c["narrative"] = narrative;
    return c;
}

void subscribe(HttpClient& c, const std::string& key, const WebhookReceiver& receiver,
               json types = json::array()) {
    Response r = c.post("/v1/webhook-endpoints",
                        json{{"url", receiver.url()}, {"event_types", std::move(types)}}.dump(),
                        json_auth(key));
    REQUIRE_STATUS(r, 201);
}

// Exact figures, nothing withheld, so that the test can say they add up.
Environment fast_webhooks_exact_figures() {
    Environment env = fast_webhooks();
    env["CLUE_ROUTER_STATS_NOISE"] = "0";
    env["CLUE_ROUTER_STATS_MIN_COUNT"] = "0";
    return env;
}

// A day in China Standard Time, days before today: yesterday is a date no server clock can
// find in the future.
std::string local_date(int days_ago) {
    const auto t = std::chrono::system_clock::now() + std::chrono::hours(8) -
                   std::chrono::hours(24) * days_ago;
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::string yesterday_local() {
    return local_date(1);
}

// The figures' total row; every count a number (nothing is withheld here).
json figures(HttpClient& c, const std::string& key, const std::string& window) {
    Response r = get(c, key, "/v1/stats?" + window);
    REQUIRE_STATUS(r, 200);
    return r.json()["total"];
}

// received = routed + in review + dismissed + answered, in numbers.
void clues_add_up(const json& total) {
    CHECK(total["clues_received"].get<int>() ==
          total["clues_routed"].get<int>() + total["clues_in_review"].get<int>() +
              total["clues_dismissed"].get<int>() + total["clues_answered"].get<int>());
}

Response move(HttpClient& c, const std::string& key, const std::string& ticket, const json& body) {
    Response t = get(c, key, "/v1/tickets/" + ticket);
    REQUIRE_STATUS(t, 200);
    return transition(c, key, ticket, body, t.header("ETag"));
}

Response post(HttpClient& c, const std::string& key, const std::string& target, const json& body) {
    return c.post(target, body.dump(), json_auth(key));
}

std::vector<std::string> types_of(const std::vector<ReceivedWebhook>& got) {
    std::vector<std::string> out;
    for (const auto& r : got) out.push_back(r.json().value("type", ""));
    return out;
}

bool has_answer_for(const std::vector<ReceivedWebhook>& got, const std::string& clue_id) {
    for (const auto& r : got) {
        const json body = r.json();
        if (body.value("type", "") == "clue.answered" && body["data"]["clue_id"] == clue_id) {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("issue 13: three reports about one woman, worked side by side to the end",
          "[integration][cases]") {
    TestServer server(fast_webhooks_exact_figures());
    HttpClient& c = server.client();
    const std::string& h12309 = server.key_for(kHotline, "intake");
    const std::string& h12338 = server.key_for(k12338, "intake");
    const std::string& fed = server.key_for(kFed, "staff");
    const std::string& proc = server.key_for(kProc, "staff");
    const std::string& outsider = server.key_for("proc-510104", "staff");

    WebhookReceiver at_12309, at_12338, at_fed;
    subscribe(c, server.key_for(kHotline, "staff"), at_12309);  // every type
    subscribe(c, server.key_for(k12338, "staff"), at_12338, json::array({"clue.answered"}));
    subscribe(c, fed, at_fed, json::array({"clue.answered", "ticket.note_added"}));

    // 1. The 12309 hotline: her family is on the minimum living allowance. Judicial assistance.
    Response a = submit(c, h12309,
                        report("12309-W-1", "hotline_12309",
                               json::array({"minimum_living_allowance", "poverty_relapse_risk"}),
                               "家里是低保户，生活困难。"));
    REQUIRE_STATUS(a, 201);
    const json ra = a.json();
    const std::string clue_a = ra["clue"]["id"];
    const std::string case_id = ra["case"]["id"];
    REQUIRE(ra["tickets"].size() == 1);
    const std::string t_proc = ra["tickets"][0]["id"];
    CHECK(ra["tickets"][0]["recipient_agency"] == kProc);

    // 2. The 12338 hotline: she is beaten. It joins her case; the federation's support, which
    //    the case lacked, gets its ticket. Its 201 names no other sender's clue.
    Response b = submit(
        c, h12338,
        report("12338-W-1", "hotline_12338", json::array({"domestic_violence"}), "丈夫经常打她。"));
    REQUIRE_STATUS(b, 201);
    const json rb = b.json();
    const std::string clue_b = rb["clue"]["id"];
    CHECK(rb["case"]["id"] == case_id);
    CHECK(rb["case"]["joined"] == true);
    REQUIRE(rb["tickets"].size() == 1);
    const std::string t_fed = rb["tickets"][0]["id"];
    CHECK(rb["tickets"][0]["recipient_agency"] == kFed);
    CHECK(rb["tickets"][0]["purpose"] == "social_support");
    CHECK(rb["case"]["handled_by"].size() == 2);
    CHECK(b.body.find(clue_a) == std::string::npos);
    CHECK_FALSE(rb.contains("possible_duplicates"));

    // 3. The federation visits her: it joins too; both tickets carry it.
    json visit = report("FED-W-1", "federation_visit", json::array({"domestic_violence"}),
                        "上门走访，情况属实。");
    visit["subject"].erase("id_number");  // found by her phone
    visit["reporter"] = {{"relation", "social_worker"}};
    Response v = submit(c, fed, visit);
    REQUIRE_STATUS(v, 201);
    const json rv = v.json();
    const std::string clue_c = rv["clue"]["id"];
    CHECK(rv["case"]["id"] == case_id);
    CHECK(rv["tickets"].empty());
    CHECK(v.body.find(clue_a) == std::string::npos);
    CHECK(v.body.find(clue_b) == std::string::npos);

    // Partners side by side: each reads the other's ticket and the whole case.
    for (const std::string* key : {&proc, &fed}) {
        const json view = get(c, *key, "/v1/cases/" + case_id).json();
        CHECK(view["status"] == "open");
        CHECK(view["clues"].size() == 3);
        CHECK(view["tickets"].size() == 2);
        CHECK(get(c, *key, "/v1/tickets/" + t_proc).status == 200);
        CHECK(get(c, *key, "/v1/tickets/" + t_fed).status == 200);
        CHECK(get(c, *key, "/v1/tickets/" + t_proc + "/history").status == 200);
    }
    CHECK(get(c, proc, "/v1/tickets/" + t_proc).json()["clues"].size() == 3);
    // Each hotline sees its own report in the case, nothing of the others.
    const json seen_by_12338 = get(c, h12338, "/v1/cases/" + case_id).json();
    REQUIRE(seen_by_12338["clues"].size() == 1);
    CHECK(seen_by_12338["clues"][0]["id"] == clue_b);
    CHECK(seen_by_12338.dump().find(clue_a) == std::string::npos);
    CHECK(get(c, h12338, "/v1/clues/" + clue_a).status == 404);
    CHECK(get(c, h12309, "/v1/clues/" + clue_b).status == 404);

    // The procuratorate works its ticket: a note, a measure planned and given, closed.
    REQUIRE_STATUS(move(c, proc, t_proc, {{"action", "accept"}}), 200);
    REQUIRE_STATUS(move(c, proc, t_proc, {{"action", "start"}}), 200);
    Response note = post(c, proc, "/v1/tickets/" + t_proc + "/notes",
                         {{"text", "已与其本人电话联系，暂住娘家。"}});
    REQUIRE_STATUS(note, 201);
    Response fund = post(c, proc, "/v1/tickets/" + t_proc + "/measures",
                         {{"type", "judicial_assistance_fund"},
                          {"provider_agency", kProc},
                          {"status", "planned"},
                          {"amount_cny", 30000},
                          {"disbursement", "lump_sum"}});
    REQUIRE_STATUS(fund, 201);
    CHECK(fund.header("ETag") == "\"1\"");
    const std::string fund_id = fund.json()["id"];
    Headers if_match = json_auth(proc, {{"If-Match", "\"1\""}});
    Response paid =
        c.request(http::verb::patch, "/v1/tickets/" + t_proc + "/measures/" + fund_id,
                  json{{"status", "provided"}, {"on", yesterday_local()}}.dump(), if_match);
    REQUIRE_STATUS(paid, 200);
    CHECK(paid.header("ETag") == "\"2\"");
    REQUIRE_STATUS(move(c, proc, t_proc, {{"action", "close"}, {"outcome", "assisted"}}), 200);

    // The federation read the procuratorate's note, and was told of it without its text.
    const json history = get(c, fed, "/v1/tickets/" + t_proc + "/history").json();
    bool note_seen = false;
    for (const auto& e : history["items"]) {
        if (e["type"] == "ticket.note_added")
            note_seen = e["note"]["text"] == "已与其本人电话联系，暂住娘家。";
    }
    CHECK(note_seen);
    REQUIRE(at_fed.wait_until([](const auto& got) {
        const auto t = types_of(got);
        return std::find(t.begin(), t.end(), "ticket.note_added") != t.end();
    }));
    for (const auto& r : at_fed.received()) CHECK(r.body.find("娘家") == std::string::npos);
    // The federation sees the judicial assistance granted: it plans the rest around it.
    const json proc_ticket = get(c, fed, "/v1/tickets/" + t_proc).json();
    CHECK(proc_ticket["status"] == "closed");
    CHECK(proc_ticket["outcome"] == "assisted");
    REQUIRE(proc_ticket["measures"].size() == 1);
    CHECK(proc_ticket["measures"][0]["status"] == "provided");

    // Nobody is answered while the federation still works.
    CHECK(get(c, h12309, "/v1/clues/" + clue_a).json()["clue"]["status"] == "routed");
    // The figures of the day her reports were received (make_clue's 20 November), for the
    // prefecture's supervisor: three reports, all three routed, the one that joined her case
    // too; none lost between the columns.
    const std::string& supervisor = server.key_for("proc-511700", "supervisor");
    const std::string report_day = "from=2026-11-20&to=2026-11-20";
    const json working = figures(c, supervisor, report_day);
    CHECK(working["clues_received"] == 3);
    CHECK(working["clues_routed"] == 3);
    CHECK(working["clues_answered"] == 0);
    clues_add_up(working);

    // The federation works its ticket: shelter planned, closed, then given at a follow-up.
    REQUIRE_STATUS(move(c, fed, t_fed, {{"action", "accept"}}), 200);
    Response shelter =
        post(c, fed, "/v1/tickets/" + t_fed + "/measures",
             {{"type", "shelter"}, {"provider_agency", kFed}, {"status", "planned"}});
    REQUIRE_STATUS(shelter, 201);
    REQUIRE_STATUS(move(c, fed, t_fed,
                        {{"action", "close"},
                         {"outcome", "assisted"},
                         {"measures",
                          {{{"type", "psychological_counselling"},
                            {"provider_agency", kFed},
                            {"status", "provided"}}}}}),
                   200);
    Response given =
        c.request(http::verb::patch,
                  "/v1/tickets/" + t_fed + "/measures/" + shelter.json()["id"].get<std::string>(),
                  json{{"status", "provided"}, {"on", yesterday_local()}}.dump(),
                  json_auth(fed, {{"If-Match", "\"1\""}}));
    REQUIRE_STATUS(given, 200);

    // Every report answered, and each sender told.
    CHECK(get(c, h12309, "/v1/clues/" + clue_a).json()["clue"]["status"] == "answered");
    CHECK(get(c, h12338, "/v1/clues/" + clue_b).json()["clue"]["status"] == "answered");
    CHECK(get(c, fed, "/v1/clues/" + clue_c).json()["clue"]["status"] == "answered");
    REQUIRE(at_12309.wait_until([&](const auto& got) { return has_answer_for(got, clue_a); }));
    REQUIRE(at_12338.wait_until([&](const auto& got) { return has_answer_for(got, clue_b); }));
    REQUIRE(at_fed.wait_until([&](const auto& got) { return has_answer_for(got, clue_c); }));
    // The 12309 hotline heard of its ticket, never of the other reports nor of the notes.
    for (const auto& r : at_12309.received()) {
        const std::string type = r.json().value("type", "");
        CHECK(type != "ticket.clue_added");
        CHECK(type != "ticket.note_added");
        CHECK(r.body.find(clue_b) == std::string::npos);
        CHECK(r.body.find(clue_c) == std::string::npos);
    }

    // The case, its tickets and its clues tell the same story.
    const json closed = get(c, proc, "/v1/cases/" + case_id).json();
    CHECK(closed["status"] == "closed");
    for (const auto& t : closed["tickets"]) {
        CHECK(t["status"] == "closed");
        CHECK(t["status_history"].back()["to_status"] == "closed");
    }
    for (const auto& cl : closed["clues"]) CHECK(cl["status"] == "answered");
    const json fed_ticket = get(c, proc, "/v1/tickets/" + t_fed).json();
    REQUIRE(fed_ticket["measures"].size() == 2);
    for (const auto& m : fed_ticket["measures"]) CHECK(m["status"] == "provided");

    // Every figure adds up: the three reports answered, the two tickets handed over today
    // closed, and the aid given — the fund and the shelter yesterday, the counselling today,
    // the day it was recorded — counted on the days it was given.
    const json done = figures(c, supervisor, report_day);
    CHECK(done["clues_received"] == 3);
    CHECK(done["clues_answered"] == 3);
    CHECK(done["clues_routed"] == 0);
    CHECK(done["answered_share"] == 1);
    clues_add_up(done);
    const json worked = figures(c, supervisor, "from=" + local_date(1) + "&to=" + local_date(0));
    CHECK(worked["tickets_created"] == 2);
    CHECK(worked["tickets_closed"] == 2);
    CHECK(worked["tickets_open"] == 0);
    CHECK(worked["outcome_assisted"] == 2);
    CHECK(worked["measure_judicial_assistance_fund"] == 1);
    CHECK(worked["judicial_assistance_cny"] == 30000);
    CHECK(worked["measure_shelter"] == 1);
    CHECK(worked["measure_psychological_counselling"] == 1);
    const json given_yesterday =
        figures(c, supervisor, "from=" + local_date(1) + "&to=" + local_date(1));
    CHECK(given_yesterday["measure_judicial_assistance_fund"] == 1);
    CHECK(given_yesterday["measure_shelter"] == 1);
    CHECK(given_yesterday["measure_psychological_counselling"] == 0);

    // An agency outside the case gets 404 on everything of it.
    for (const auto& clue : {clue_a, clue_b, clue_c}) {
        CHECK_PROBLEM(get(c, outsider, "/v1/clues/" + clue), 404, "not-found");
        CHECK_PROBLEM(get(c, outsider, "/v1/clues/" + clue + "?reveal=true"), 404, "not-found");
        CHECK_PROBLEM(get(c, outsider, "/v1/clues/" + clue + "/screenings"), 404, "not-found");
    }
    CHECK_PROBLEM(get(c, outsider, "/v1/cases/" + case_id), 404, "not-found");
    for (const auto& t : {t_proc, t_fed}) {
        CHECK_PROBLEM(get(c, outsider, "/v1/tickets/" + t), 404, "not-found");
        CHECK_PROBLEM(get(c, outsider, "/v1/tickets/" + t + "/history"), 404, "not-found");
        CHECK_PROBLEM(post(c, outsider, "/v1/tickets/" + t + "/notes", {{"text", "x"}}), 404,
                      "not-found");
        CHECK_PROBLEM(post(c, outsider, "/v1/tickets/" + t + "/measures",
                           {{"type", "shelter"}, {"provider_agency", "x"}, {"status", "planned"}}),
                      404, "not-found");
    }
    CHECK_PROBLEM(c.request(http::verb::patch, "/v1/tickets/" + t_proc + "/measures/" + fund_id,
                            json{{"status", "declined"}, {"on", yesterday_local()}}.dump(),
                            json_auth(outsider, {{"If-Match", "\"2\""}})),
                  404, "not-found");
}

TEST_CASE("hardening 8: an agency that rejected a ticket keeps only what it handled, masked",
          "[integration][cases][hardening]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& proc = server.key_for(kProc, "staff");
    Response r = submit(c, server.key_for(kHotline, "intake"), make_clue("511702", "H8-IT"));
    REQUIRE_STATUS(r, 201);
    const json body = r.json();
    const std::string clue = body["clue"]["id"];
    std::string ticket;
    for (const auto& t : body["tickets"]) {
        if (t["recipient_agency"] == kProc) ticket = t["id"];
    }
    REQUIRE(get(c, proc, "/v1/clues/" + clue + "?reveal=true").status == 200);
    Response rejected =
        move(c, proc, ticket, {{"action", "reject"}, {"reason_code", "wrong_jurisdiction"}});
    REQUIRE_STATUS(rejected, 200);

    const json masked = get(c, proc, "/v1/clues/" + clue).json();
    CHECK(masked["clue"]["personal_data"] == "masked");
    CHECK_PROBLEM(get(c, proc, "/v1/clues/" + clue + "?reveal=true"), 403, "forbidden");
    CHECK(get(c, proc, "/v1/tickets/" + ticket).status == 200);
    // The ticket it was rerouted to, its partner's ticket and the case are not its business:
    // the clue lists only the ticket it handled.
    REQUIRE(masked["tickets"].size() == 1);
    CHECK(masked["tickets"][0]["id"] == ticket);
    const json at_sender = get(c, server.key_for(kHotline, "intake"), "/v1/clues/" + clue).json();
    for (const auto& t : at_sender["tickets"]) {
        if (t["id"] == ticket) continue;
        CHECK_PROBLEM(get(c, proc, "/v1/tickets/" + t["id"].get<std::string>()), 404, "not-found");
    }
    CHECK_PROBLEM(get(c, proc, "/v1/cases/" + body["case"]["id"].get<std::string>()), 404,
                  "not-found");
}

TEST_CASE("mistakes: the same report sent again is a 409 pointing at the clue already stored",
          "[integration][cases][idempotency]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& hotline = server.key_for(kHotline, "intake");
    const json clue = make_clue("511702", "12309-20261120-0042");
    Response first = submit(c, hotline, clue);
    REQUIRE_STATUS(first, 201);
    const std::string location = first.header("Location");
    for (const auto& key : {std::optional<std::string>{}, std::optional<std::string>{"again-1"}}) {
        Response again = submit(c, hotline, clue, key);
        CHECK_PROBLEM(again, 409, "duplicate-reference");
        CHECK(again.header("Location") == location);
        CHECK(again.json()["existing_clue"] == location);
        CHECK(has_pointer(again, "/source/reference"));
        CHECK(again.body.find(clue["subject"]["name"].get<std::string>()) == std::string::npos);
    }
    // The clue pointed at is the sender's own, and readable.
    CHECK(get(c, hotline, location).status == 200);
    CHECK(list_all(c, hotline, "/v1/tickets", "box=outbox").size() ==
          first.json()["tickets"].size());
}

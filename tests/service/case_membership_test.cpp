// One woman, one case (service/case_membership): a report about a woman whose case is open
// joins it, purposes it lacked get their tickets, the case is answered as a whole, links and
// unlinks by hand move clues between cases by the same rules. The fixture checks the
// invariants (service/case_invariants) after every change.
#include <catch2/catch.hpp>

#include <algorithm>

#include "clue_router/service/retention.hpp"
#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;
using nlohmann::json;

namespace {

json reply_of(const Result<SubmittedClue>& r) {
    REQUIRE(r);
    return json::parse(r->body);
}

// Another report about the woman of `reference`, sent under a new reference.
json same_woman(const std::string& reference, const std::string& new_reference) {
    auto body = clue_body(new_reference);
    const auto [id, phone] = identifiers_for(reference);
    body["subject"]["id_number"] = id;
    body["subject"]["phone"] = phone;
    return body;
}

// A report of poverty only: the procuratorate's judicial assistance, no federation support.
json poverty(json body) {
    body["indicators"] = {"minimum_living_allowance", "poverty_relapse_risk"};
    body["narrative"] = "家里是低保户，丈夫去世后生活困难";
    return body;
}

std::string ticket_to(const json& reply, const std::string& recipient) {
    for (const auto& t : reply["tickets"]) {
        if (t["recipient_agency"] == recipient) return t["id"];
    }
    FAIL("no ticket to " << recipient);
    return {};
}

storage::StoredClue stored(ServiceFixture& f, const std::string& clue_id) {
    auto c = f.store->reader()->find_clue(clue_id);
    REQUIRE(c);
    return *c;
}

std::vector<std::string> history_types(ServiceFixture& f, const Actor& actor,
                                       const std::string& ticket_id) {
    auto h = f.history(actor, ticket_id);
    REQUIRE(h);
    std::vector<std::string> out;
    for (const auto& e : (*h)["items"]) out.push_back(e["type"]);
    return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

int count(const std::vector<std::string>& v, const std::string& x) {
    return static_cast<int>(std::count(v.begin(), v.end(), x));
}

// Webhook endpoints for the agencies, so that what each is told can be read back.
void subscribe(ServiceFixture& f, const std::vector<std::string>& agencies) {
    storage::write_and_wait(*f.store, [&](storage::WriteTransaction& tx) {
        for (const auto& agency : agencies) {
            storage::WebhookEndpoint e;
            e.id = "ep_" + agency;
            e.agency_id = agency;
            e.url = "https://hooks.example.cn/" + agency;
            e.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            e.created_at = f.clock.now();
            e.updated_at = f.clock.now();
            tx.insert_webhook_endpoint(e);
        }
    });
}

std::vector<std::string> told(ServiceFixture& f, const std::string& agency,
                              const std::string& type) {
    storage::DeliveryQuery q;
    q.agency_id = agency;
    q.limit = 200;
    std::vector<std::string> payloads;
    for (const auto& d : f.store->reader()->list_deliveries(q)) {
        if (d.event_type == type) payloads.push_back(d.payload);
    }
    return payloads;
}

}  // namespace

TEST_CASE("a report about a woman whose case is open joins it, its 201 names no other clue",
          "[service][cases]") {
    ServiceFixture f;
    subscribe(f, {"hotline-12309-sc", "proc-511702", "fed-511702"});
    const auto first = reply_of(f.submit(f.hotline, clue_body("W-1")));
    const std::string first_id = first["clue"]["id"];
    const std::string case_id = first["case"]["id"];
    CHECK(first["case"]["joined"] == false);
    CHECK(first["clue"]["case_id"] == case_id);
    REQUIRE(first["tickets"].size() == 2);
    const std::string proc_ticket = ticket_to(first, "proc-511702");
    const std::string fed_ticket = ticket_to(first, "fed-511702");

    auto submitted = f.submit(f.hotline_12338, same_woman("W-1", "W-1-12338"));
    const auto second = reply_of(submitted);
    const std::string second_id = second["clue"]["id"];
    CHECK(second["case"]["id"] == case_id);
    CHECK(second["case"]["joined"] == true);
    CHECK(second["clue"]["status"] == "routed");
    // Both purposes are served already: no ticket is doubled.
    CHECK(second["tickets"].empty());
    REQUIRE(second["case"]["handled_by"].size() == 2);
    for (const auto& h : second["case"]["handled_by"]) {
        CHECK((h["recipient_agency"] == "proc-511702" || h["recipient_agency"] == "fed-511702"));
        CHECK(h["status"] == "pending");
    }
    // Never another sender's clue, its id or its content.
    CHECK(submitted->body.find(first_id) == std::string::npos);
    CHECK_FALSE(second.contains("possible_duplicates"));
    CHECK_FALSE(second.contains("existing_tickets"));

    // The open tickets carry it: their recipients read it, and are told (only they).
    auto at_proc = f.tickets.get(f.procuratorate, proc_ticket);
    REQUIRE(at_proc);
    CHECK(at_proc->clues == sorted({first_id, second_id}));
    CHECK(f.clues.get(f.procuratorate, second_id));
    CHECK(f.reveal(f.procuratorate, second_id));
    CHECK(f.clues.get(f.federation, second_id));
    CHECK(count(history_types(f, f.procuratorate, proc_ticket), "ticket.clue_added") == 1);
    CHECK(told(f, "proc-511702", "ticket.clue_added").size() == 1);
    CHECK(told(f, "fed-511702", "ticket.clue_added").size() == 1);
    CHECK(told(f, "hotline-12309-sc", "ticket.clue_added").empty());

    // The first sender follows its ticket, and sees nothing of the second report.
    auto at_hotline = f.tickets.get(f.hotline, proc_ticket);
    REQUIRE(at_hotline);
    CHECK(at_hotline->clues == std::vector<std::string>{first_id});
    CHECK(count(history_types(f, f.hotline, proc_ticket), "ticket.clue_added") == 0);
    auto other_clue = f.clues.get(f.hotline, second_id);
    REQUIRE_FALSE(other_clue);
    CHECK(other_clue.error().kind == ErrorKind::not_found);
    const auto own = f.clues.get(f.hotline, first_id);
    REQUIRE(own);
    CHECK((*own)["linked_clues"].empty());
    // The second sender sees its clue, the tickets carrying it, and not the first clue's id.
    const auto mine = f.clues.get(f.hotline_12338, second_id);
    REQUIRE(mine);
    CHECK((*mine)["tickets"].size() == 2);
    CHECK(mine->dump().find(first_id) == std::string::npos);
    CHECK_FALSE(f.clues.get(f.hotline_12338, first_id));
}

TEST_CASE("a joining report with an unknown region code is carried, and still waits for a person",
          "[service][cases]") {
    ServiceFixture f;
    f.load_region_list();
    const auto first = reply_of(f.submit(f.hotline, clue_body("W-U")));
    const std::string proc_ticket = ticket_to(first, "proc-511702");

    auto body = same_woman("W-U", "W-U-12338");
    body["subject"]["region"] = "511799";  // well shaped, not a county of Dazhou
    const auto second = reply_of(f.submit(f.hotline_12338, body));
    const std::string second_id = second["clue"]["id"];
    CHECK(second["case"]["joined"] == true);
    CHECK(second["tickets"].empty());
    // Her case's agencies have it at once; the code still asks a person to check it.
    CHECK(f.clues.get(f.procuratorate, second_id));
    CHECK(count(f.tickets.get(f.procuratorate, proc_ticket)->clues, second_id) == 1);
    CHECK(second["clue"]["status"] == "needs_review");
    CHECK(second["clue"].value("review_reason", "") == "unknown_region");
    REQUIRE(second.contains("warnings"));
    CHECK(second["warnings"][0]["code"] == "unknown_region");
    CHECK(stored(f, second_id).status == storage::ClueStatus::needs_review);
}

TEST_CASE("a purpose the case lacked gets its ticket, at the case's priority", "[service][cases]") {
    ServiceFixture f;
    const auto first = reply_of(f.submit(f.hotline, poverty(clue_body("W-2"))));
    REQUIRE(first["tickets"].size() == 1);
    const std::string first_id = first["clue"]["id"];
    const std::string proc_ticket = ticket_to(first, "proc-511702");
    CHECK(first["tickets"][0]["priority"] != "urgent");

    auto urgent = same_woman("W-2", "W-2-urgent");
    urgent["indicators"] = {"domestic_violence", "threat_to_life"};
    const auto second = reply_of(f.submit(f.hotline_12338, urgent));
    const std::string second_id = second["clue"]["id"];
    REQUIRE(second["tickets"].size() == 1);
    const auto& support = second["tickets"][0];
    CHECK(support["recipient_agency"] == "fed-511702");
    CHECK(support["purpose"] == "social_support");
    CHECK(support["sender_agency"] == "hotline-12338-sc");
    CHECK(support["priority"] == "urgent");
    CHECK(second["case"]["handled_by"].size() == 2);

    // The new ticket carries her whole story; the old one gained the new report.
    auto fed = f.tickets.get(f.federation, support["id"].get<std::string>());
    REQUIRE(fed);
    CHECK(fed->clues == sorted({first_id, second_id}));
    CHECK(f.tickets.get(f.procuratorate, proc_ticket)->clues.size() == 2);
    auto view = f.cases.get(f.procuratorate, second["case"]["id"]);
    REQUIRE(view);
    CHECK((*view)["priority"] == "urgent");
    // The case's screening unites both reports' key groups.
    std::vector<std::string> groups;
    for (const auto& g : (*view)["screening"]["key_groups"]) groups.push_back(g["group"]);
    CHECK(std::count(groups.begin(), groups.end(), "crime_victim") == 1);
    CHECK(std::count(groups.begin(), groups.end(), "rural_poverty_risk") == 1);
    CHECK((*view)["screening"]["priority"] == "urgent");
}

TEST_CASE("the case is answered when its last ticket finishes, and every sender is told",
          "[service][cases]") {
    ServiceFixture f;
    subscribe(f, {"hotline-12309-sc", "hotline-12338-sc"});
    const auto first = reply_of(f.submit(f.hotline, poverty(clue_body("W-3"))));
    const auto second = reply_of(f.submit(f.hotline_12338, poverty(same_woman("W-3", "W-3b"))));
    const std::string a = first["clue"]["id"];
    const std::string b = second["clue"]["id"];
    const std::string ticket = ticket_to(first, "proc-511702");

    REQUIRE(f.transition(f.procuratorate, ticket, 1, {{"action", "accept"}}));
    CHECK(stored(f, b).status == storage::ClueStatus::routed);
    REQUIRE(f.transition(f.procuratorate, ticket, 2,
                         {{"action", "close"}, {"outcome", "not_eligible"}}));
    CHECK(stored(f, a).status == storage::ClueStatus::answered);
    CHECK(stored(f, b).status == storage::ClueStatus::answered);
    CHECK(told(f, "hotline-12309-sc", "clue.answered").size() == 1);
    CHECK(told(f, "hotline-12338-sc", "clue.answered").size() == 1);
    const auto view = f.cases.get(f.procuratorate, first["case"]["id"]);
    REQUIRE(view);
    CHECK((*view)["status"] == "closed");

    // A report after her case closed starts a new case, with its own tickets.
    const auto later = reply_of(f.submit(f.hotline, poverty(same_woman("W-3", "W-3c"))));
    CHECK(later["case"]["joined"] == false);
    CHECK(later["case"]["id"] != first["case"]["id"]);
    CHECK(later["tickets"].size() == 1);
}

TEST_CASE("one identifier is enough, but differing ID numbers are two women", "[service][cases]") {
    ServiceFixture f;
    const auto first = reply_of(f.submit(f.hotline, clue_body("P-1")));
    // The same phone, no ID number given: her.
    auto by_phone = clue_body("P-2");
    by_phone["subject"].erase("id_number");
    by_phone["subject"]["phone"] = identifiers_for("P-1").second;
    const auto second = reply_of(f.submit(f.hotline, by_phone));
    CHECK(second["case"]["id"] == first["case"]["id"]);

    // The same phone with another woman's ID number: her daughter, say. Not her case.
    auto daughter = clue_body("P-3");
    daughter["subject"]["phone"] = identifiers_for("P-1").second;
    const auto third = reply_of(f.submit(f.hotline, daughter));
    CHECK(third["case"]["joined"] == false);
    CHECK(third["case"]["id"] != first["case"]["id"]);
    CHECK(third["tickets"].size() == first["tickets"].size());
}

TEST_CASE("a report matching two open cases unites them: one case per woman", "[service][cases]") {
    ServiceFixture f;
    auto phone_only = poverty(clue_body("U-1"));
    phone_only["subject"].erase("id_number");
    const auto x = reply_of(f.submit(f.hotline, phone_only));
    auto id_only = poverty(clue_body("U-1-id"));
    id_only["subject"]["id_number"] = identifiers_for("U-1").first;
    id_only["subject"].erase("phone");
    id_only["source"]["reference"] = "U-1-id";
    const auto y = reply_of(f.submit(f.hotline_12338, id_only));
    REQUIRE(x["case"]["id"] != y["case"]["id"]);  // nothing shared yet

    const auto both = reply_of(f.submit(f.hotline, poverty(same_woman("U-1", "U-1-both"))));
    const std::string united = both["case"]["id"];
    // The oldest case stays: she is known by her first report's case.
    CHECK(united == x["case"]["id"]);
    CHECK(stored(f, x["clue"]["id"]).case_id == united);
    CHECK(stored(f, y["clue"]["id"]).case_id == united);
    // The case absorbed answers as the one it went into.
    const std::string other = y["case"]["id"];
    auto via_old = f.cases.get(f.procuratorate, other);
    REQUIRE(via_old);
    CHECK((*via_old)["id"] == united);
    CHECK((*via_old)["tickets"].size() == 2);
}

TEST_CASE("a report without consent joins her case but reaches no partner", "[service][cases]") {
    ServiceFixture f;
    const auto first = reply_of(f.submit(f.hotline, clue_body("N-1")));
    auto no_consent = same_woman("N-1", "N-1-private");
    no_consent["consent"]["share_with_partners"] = false;
    const auto second = reply_of(f.submit(f.hotline_12338, no_consent));
    CHECK(second["case"]["id"] == first["case"]["id"]);
    CHECK(second["clue"]["status"] == "needs_review");
    CHECK(second["clue"]["review_reason"] == "consent_missing");
    CHECK(second["case"]["handled_by"].empty());
    CHECK_FALSE(f.clues.get(f.procuratorate, second["clue"]["id"]));
    CHECK(f.tickets.get(f.procuratorate, ticket_to(first, "proc-511702"))->clues.size() == 1);
}

TEST_CASE("staff link two cases into one and unlink a clue into a case of its own",
          "[service][cases][links]") {
    ServiceFixture f;
    const auto ra = reply_of(f.submit(f.hotline, clue_body("M-1")));
    const auto rb = reply_of(f.submit(f.hotline, clue_body("M-2")));
    const std::string a = ra["clue"]["id"];
    const std::string b = rb["clue"]["id"];
    const std::string elsewhere =
        reply_of(f.submit(f.hotline, clue_body("M-3", "510104")))["clue"]["id"];

    auto linked = f.link(f.procuratorate, a, b);
    REQUIRE(linked);
    CHECK((*linked)["linked_clues"] == json::array({{{"clue_id", b}, {"basis", "manual"}}}));
    CHECK((*linked)["case_id"] == ra["case"]["id"]);
    CHECK(stored(f, b).case_id == stored(f, a).case_id);
    const std::string a_ticket = ticket_to(ra, "proc-511702");
    const std::string b_ticket = ticket_to(rb, "proc-511702");
    CHECK(f.tickets.get(f.procuratorate, a_ticket)->clues == sorted({a, b}));

    // Outside the agency's clues: 404; the hotline sees both, but linking is staff's call.
    auto outside = f.link(f.procuratorate, a, elsewhere);
    REQUIRE_FALSE(outside);
    CHECK(outside.error().kind == ErrorKind::not_found);
    auto stranger = f.link(f.other_procuratorate, a, b);
    REQUIRE_FALSE(stranger);
    CHECK(stranger.error().kind == ErrorKind::not_found);
    auto intake = f.link(f.hotline, a, b);
    REQUIRE_FALSE(intake);
    CHECK(intake.error().kind == ErrorKind::forbidden);
    auto self = f.link(f.procuratorate, a, a);
    REQUIRE_FALSE(self);
    CHECK(self.error().kind == ErrorKind::validation);

    // Not the same woman after all: b leaves with its own tickets, carried by no other.
    auto undone = f.unlink(f.procuratorate, b, a);
    REQUIRE(undone);
    CHECK((*undone)["linked_clues"].empty());
    const std::string b_case = (*undone)["case_id"];
    CHECK(b_case != stored(f, a).case_id);
    CHECK(stored(f, b).case_id == b_case);
    CHECK(stored(f, b).status == storage::ClueStatus::routed);
    CHECK(f.tickets.get(f.procuratorate, a_ticket)->clues == std::vector<std::string>{a});
    CHECK(f.tickets.get(f.procuratorate, b_ticket)->clues == std::vector<std::string>{b});
    CHECK(f.tickets.get(f.procuratorate, b_ticket)->case_id == b_case);
    CHECK(count(history_types(f, f.procuratorate, a_ticket), "ticket.clue_removed") == 1);
    auto again = f.unlink(f.procuratorate, b, a);
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == ErrorKind::not_found);

    // A later report about b's woman joins b's case: the separation holds.
    const auto later = reply_of(f.submit(f.hotline_12338, same_woman("M-2", "M-2-again")));
    CHECK(later["case"]["id"] == b_case);

    std::vector<std::string> actions;
    for (const auto& row : f.store->reader()->audit_entries(0, 1000)) actions.push_back(row.action);
    CHECK(count(actions, "clue.linked") == 1);
    CHECK(count(actions, "clue.unlinked") == 1);
    CHECK(count(actions, "case.merged") >= 2);
    CHECK(count(actions, "case.separated") == 1);
}

TEST_CASE("a clue unlinked from the tickets that carried it is routed again", "[service][cases]") {
    ServiceFixture f;
    const auto first = reply_of(f.submit(f.hotline, poverty(clue_body("S-1"))));
    const auto second = reply_of(f.submit(f.hotline_12338, poverty(same_woman("S-1", "S-1b"))));
    const std::string b = second["clue"]["id"];
    REQUIRE(second["tickets"].empty());  // carried by the first report's ticket only
    auto split = f.unlink(f.procuratorate, b, first["clue"]["id"]);
    REQUIRE(split);
    // b is routed in its own case: a ticket of its own to the procuratorate.
    const auto own = f.store->reader()->tickets_of_clue(b);
    REQUIRE(own.size() == 1);
    CHECK(own[0].recipient_agency == "proc-511702");
    CHECK(own[0].sender_agency == "hotline-12338-sc");
    CHECK(stored(f, b).status == storage::ClueStatus::routed);
}

TEST_CASE("a closed case takes no clue by hand", "[service][cases][links]") {
    ServiceFixture f;
    const auto closed = reply_of(f.submit(f.hotline, poverty(clue_body("C-1"))));
    const std::string ticket = ticket_to(closed, "proc-511702");
    REQUIRE(f.transition(f.procuratorate, ticket, 1, {{"action", "accept"}}));
    REQUIRE(f.transition(f.procuratorate, ticket, 2,
                         {{"action", "close"}, {"outcome", "not_eligible"}}));
    const auto open = reply_of(f.submit(f.hotline, poverty(clue_body("C-2"))));
    auto refused = f.link(f.procuratorate, open["clue"]["id"], closed["clue"]["id"]);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::conflict);
}

TEST_CASE("a rejected ticket's purpose is carried on by the case's other open ticket",
          "[service][cases]") {
    ServiceFixture f;
    // Two cases, each with a judicial-assistance ticket to the county procuratorate, united by
    // hand: the case then holds two open tickets for the purpose.
    const auto ra = reply_of(f.submit(f.hotline, poverty(clue_body("J-1"))));
    const auto rb = reply_of(f.submit(f.hotline, poverty(clue_body("J-2"))));
    REQUIRE(f.link(f.procuratorate, ra["clue"]["id"], rb["clue"]["id"]));
    const std::string kept = ticket_to(ra, "proc-511702");
    const std::string refused = ticket_to(rb, "proc-511702");
    REQUIRE(f.transition(f.procuratorate, refused, 1,
                         {{"action", "reject"}, {"reason_code", "duplicate"}}));
    // No new ticket: the other one serves the purpose and carries both reports.
    CHECK(f.store->reader()->tickets_of_clue(rb["clue"]["id"]).size() == 1);
    CHECK(f.tickets.get(f.procuratorate, kept)->clues.size() == 2);
    const auto types = history_types(f, f.procuratorate, refused);
    CHECK(types.back() == "ticket.rerouted");
}

TEST_CASE("retention purges a closed case's clues, notes and reasons together",
          "[service][cases][retention]") {
    ServiceFixture f;
    const auto r = reply_of(f.submit(f.hotline, poverty(clue_body("R-9"))));
    const std::string ticket = ticket_to(r, "proc-511702");
    REQUIRE(f.transition(f.procuratorate, ticket, 1, {{"action", "accept"}}));
    REQUIRE(f.note(f.procuratorate, ticket, "她现住在娘家，电话13800130001"));
    REQUIRE(f.transition(f.procuratorate, ticket, 2,
                         {{"action", "close"},
                          {"outcome", "unreachable"},
                          {"reason", "多次拨打13800130001无人接听"}}));
    Retention retention(*f.store, f.clock, std::chrono::days(30));
    f.clock.advance(std::chrono::days(31));
    CHECK(retention.purge(f.cli).purged == 1);
    f.check_invariants();
    auto h = f.history(f.procuratorate, ticket);
    REQUIRE(h);
    CHECK(h->dump().find("13800130001") == std::string::npos);
}

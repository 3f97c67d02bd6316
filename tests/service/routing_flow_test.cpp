// The ticket flow around routing: deadlines fixed at hand-over, rejection and rerouting up
// the hierarchy to the review queue, the review queue's actions, and the deadline sweeper
// with its escalation, all against a real SQLite file and a clock the tests move.
#include <catch2/catch.hpp>

#include <algorithm>

#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/deadline_sweeper.hpp"
#include "clue_router/service/review_actions.hpp"
#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;

namespace {

struct FlowFixture : ServiceFixture {
    ReviewActions review{*store, config, clock};
    DeadlineSweeper sweeper{*store, config, clock};
    Actor hotline_staff{"key_hotline_staff", "hotline-12309-sc", Role::staff};
    Actor prefecture{"key_prefecture", "proc-511700", Role::staff};
    Actor province{"key_province", "proc-510000", Role::staff};
    Actor county_fed{"key_fed", "fed-511702", Role::staff};
    Actor prefecture_fed{"key_pfed", "fed-511700", Role::staff};

    domain::Ticket ticket(const std::string& id) {
        auto t = tickets.get(Actor{"key_admin", "proc-510000", Role::admin}, id);
        REQUIRE(t);
        return *t;
    }
    nlohmann::json history(const std::string& id) {
        auto h = ServiceFixture::history(Actor{"key_admin", "proc-510000", Role::admin}, id);
        REQUIRE(h);
        return (*h)["items"];
    }
    Result<nlohmann::json> reject(const Actor& actor, const std::string& id) {
        auto r = transition(actor, id, ticket(id).version,
                            {{"action", "reject"},
                             {"reason_code", "wrong_jurisdiction"},
                             {"reason", "outside our jurisdiction"}});
        if (!r) return domain::unexpected(r.error());
        return nlohmann::json(domain::to_json(*r));
    }
    Result<nlohmann::json> route_by_hand(const Actor& actor, const std::string& clue_id,
                                         const nlohmann::json& body) {
        auto r = wait_for<nlohmann::json>(
            [&](auto done) { review.route(actor, clue_id, body, std::move(done)); });
        check_invariants();
        return r;
    }
    Result<nlohmann::json> dismiss(const Actor& actor, const std::string& clue_id,
                                   const nlohmann::json& body) {
        auto r = wait_for<nlohmann::json>(
            [&](auto done) { review.dismiss(actor, clue_id, body, std::move(done)); });
        check_invariants();
        return r;
    }
    SweepSummary sweep() {
        auto r = wait_for<SweepSummary>([&](auto done) { sweeper.sweep(std::move(done)); });
        REQUIRE(r);
        check_invariants();
        return *r;
    }
    std::vector<std::string> queue(const Actor& actor) {
        auto page = clues.review_queue(actor, std::nullopt, 200);
        REQUIRE(page);
        std::vector<std::string> ids;
        for (const auto& c : page->items) ids.push_back(c["id"]);
        return ids;
    }
    // The ticket created for `clue_id` and recipient, if any.
    std::optional<domain::Ticket> ticket_to(const std::string& clue_id,
                                            const std::string& recipient) {
        for (const auto& t : store->reader()->tickets_of_clue(clue_id)) {
            if (t.recipient_agency == recipient) return t;
        }
        return std::nullopt;
    }
};

std::string clue_of(const SubmittedClue& s) {
    return nlohmann::json::parse(s.body)["clue"]["id"];
}

}  // namespace

TEST_CASE("a submission opens tickets with deadlines from the priority",
          "[service][routing_flow]") {
    FlowFixture f;
    auto submitted = f.submit(f.hotline, clue_body("DEADLINES"));
    REQUIRE(submitted);
    const auto body = nlohmann::json::parse(submitted->body);
    REQUIRE(body["tickets"].size() == 2);  // a violence victim: procuratorate and federation
    for (const auto& t : body["tickets"]) {
        INFO(t.dump());
        // Handed over on Friday 2026-11-20 09:12 in Beijing, priority high: five working
        // days end with Friday the 27th; three months with 20 February.
        CHECK(t["priority"] == "high");
        CHECK(t["accept_by"] == "2026-11-27T16:00:00.000Z");
        CHECK(t["close_by"] == "2027-02-20T16:00:00.000Z");
    }
}

TEST_CASE("reject → reroute up the hierarchy → accept, with the whole path in the history",
          "[service][routing_flow]") {
    FlowFixture f;
    auto submitted = f.submit(f.hotline, clue_body("REROUTE"));
    REQUIRE(submitted);
    const auto clue_id = clue_of(*submitted);
    const auto first = ServiceFixture::only_ticket(*submitted);
    f.clock.advance(std::chrono::hours(2));

    REQUIRE(f.reject(f.procuratorate, first));
    auto second = f.ticket_to(clue_id, "proc-511700");
    REQUIRE(second);
    CHECK(second->status == domain::TicketStatus::pending);
    CHECK(second->sender_agency == "hotline-12309-sc");
    CHECK(second->purpose == "judicial_assistance");
    CHECK(second->created_at == storage::test::at(120));
    CHECK(second->accept_by.has_value());

    auto h1 = f.history(first);
    REQUIRE(h1.size() == 3);
    CHECK(h1[1]["type"] == "ticket.rejected");
    CHECK(h1[2]["type"] == "ticket.rerouted");
    CHECK(h1[2]["related_ticket"] == second->id);
    CHECK(h1[2]["related_agency"] == "proc-511700");
    CHECK(h1[2]["actor_agency"] == "system");
    auto h2 = f.history(second->id);
    REQUIRE(h2.size() == 1);
    CHECK(h2[0]["type"] == "ticket.created");
    CHECK(h2[0]["related_ticket"] == first);
    CHECK(h2[0]["related_agency"] == "proc-511702");

    auto accepted = f.transition(f.prefecture, second->id, 1, {{"action", "accept"}});
    REQUIRE(accepted);
    CHECK(accepted->status == domain::TicketStatus::accepted);
    // The federation's ticket was never touched.
    CHECK(f.ticket_to(clue_id, "fed-511702")->status == domain::TicketStatus::pending);
}

TEST_CASE("rejected everywhere, the clue waits in the review queue", "[service][routing_flow]") {
    FlowFixture f;
    auto submitted = f.submit(f.hotline, clue_body("EVERYWHERE"));
    REQUIRE(submitted);
    const auto clue_id = clue_of(*submitted);
    REQUIRE(f.reject(f.procuratorate, ServiceFixture::only_ticket(*submitted)));
    REQUIRE(f.reject(f.prefecture, f.ticket_to(clue_id, "proc-511700")->id));
    const auto last = f.ticket_to(clue_id, "proc-510000");
    REQUIRE(last);
    CHECK(f.queue(f.hotline).empty());
    REQUIRE(f.reject(f.province, last->id));

    // Nobody left in the hierarchy: no fourth ticket, the clue is in its sender's queue.
    std::size_t judicial = 0;
    for (const auto& t : f.store->reader()->tickets_of_clue(clue_id)) {
        if (t.purpose == "judicial_assistance") ++judicial;
    }
    CHECK(judicial == 3);
    CHECK(f.queue(f.hotline) == std::vector<std::string>{clue_id});
    auto clue = f.store->reader()->find_clue(clue_id);
    CHECK(clue->review_reason == std::string("rejected_everywhere"));
    auto h = f.history(last->id);
    CHECK(h.back()["type"] == "ticket.sent_to_review");

    // Staff route it by hand; the agencies that rejected it may still be chosen by a person.
    auto routed = f.route_by_hand(
        f.hotline_staff, clue_id,
        {{"routes", {{{"agency", "proc-511700"}, {"purpose", "judicial_assistance"}}}},
         {"note", "the prefecture agreed by phone to take it"}});
    REQUIRE(routed);
    CHECK((*routed)["clue"]["status"] == "routed");
    CHECK(f.queue(f.hotline).empty());
    const auto by_hand = (*routed)["tickets"][0]["id"].get<std::string>();
    auto hh = f.history(by_hand);
    CHECK(hh[0]["actor_key"] == "key_hotline_staff");
    CHECK(hh[0]["reason"] ==
          "routed by hand from the review queue: the prefecture agreed by phone to take it");
}

TEST_CASE("review queue: consent, checks, duplicates and dismissal", "[service][routing_flow]") {
    FlowFixture f;
    auto submitted = f.submit(f.hotline, clue_body("NO-CONSENT", "511702", false));
    REQUIRE(submitted);
    const auto clue_id = clue_of(*submitted);
    CHECK(f.queue(f.hotline) == std::vector<std::string>{clue_id});
    const nlohmann::json to_county = {
        {"routes", {{{"agency", "proc-511702"}, {"purpose", "judicial_assistance"}}}}};

    // An intake key may not decide; another agency does not even see the clue.
    auto r = f.route_by_hand(f.hotline, clue_id, to_county);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::forbidden);
    r = f.route_by_hand(f.county_fed, clue_id, to_county);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::not_found);

    // Without consent, staff must confirm it was obtained since.
    r = f.route_by_hand(f.hotline_staff, clue_id, to_county);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::validation);
    REQUIRE(r.error().errors.size() == 1);
    CHECK(r.error().errors[0].pointer == "/consent_obtained");

    // Agencies that cannot receive it, and purposes the rules do not know.
    r = f.route_by_hand(f.hotline_staff, clue_id,
                        {{"consent_obtained", true},
                         {"routes",
                          {{{"agency", "nobody"}, {"purpose", "judicial_assistance"}},
                           {{"agency", "hotline-12338-sc"}, {"purpose", "judicial_assistance"}},
                           {{"agency", "hotline-12309-sc"}, {"purpose", "judicial_assistance"}},
                           {{"agency", "proc-511702"}, {"purpose", "sympathy"}}}}});
    REQUIRE_FALSE(r);
    std::vector<std::string> pointers;
    for (const auto& e : r.error().errors) pointers.push_back(e.pointer);
    CHECK(pointers == std::vector<std::string>{"/routes/0/agency", "/routes/1/agency",
                                               "/routes/2/agency", "/routes/3/purpose"});

    auto ok = f.route_by_hand(f.hotline_staff, clue_id,
                              {{"consent_obtained", true}, {"routes", to_county["routes"]}});
    REQUIRE(ok);
    CHECK(f.queue(f.hotline).empty());
    // Out of the queue: a second decision is a conflict.
    r = f.route_by_hand(f.hotline_staff, clue_id,
                        {{"consent_obtained", true}, {"routes", to_county["routes"]}});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::conflict);

    // Dismissal needs a reason and takes the clue out of the queue, keeping it.
    auto other = f.submit(f.hotline, clue_body("DISMISS", "511702", false));
    REQUIRE(other);
    const auto other_id = clue_of(*other);
    auto d = f.dismiss(f.hotline_staff, other_id, nlohmann::json::object());
    REQUIRE_FALSE(d);
    CHECK(d.error().errors.at(0).pointer == "/reason");
    d = f.dismiss(f.hotline_staff, other_id, {{"reason", "the caller withdrew the report"}});
    REQUIRE(d);
    CHECK((*d)["clue"]["status"] == "dismissed");
    CHECK((*d)["clue"]["dismissal_reason"] == "the caller withdrew the report");
    CHECK(f.queue(f.hotline).empty());
    auto stored = f.store->reader()->find_clue(other_id);
    CHECK(stored->reviewed_by_key == std::string("key_hotline_staff"));
}

TEST_CASE("no second open ticket for the same clue, agency and purpose",
          "[service][routing_flow]") {
    FlowFixture f;
    // No federation accepts referrals: the clue goes out to the procuratorate and waits for
    // a person for the federation's part.
    f.config.update([](RuntimeConfig& c) {
        std::vector<domain::Agency> kept = c.directory.all();
        for (auto& a : kept) {
            if (a.kind == "womens_federation") a.accepts_referrals = false;
        }
        c.directory = *domain::Directory::build(kept);
    });
    auto submitted = f.submit(f.hotline, clue_body("PARTIAL"));
    REQUIRE(submitted);
    const auto body = nlohmann::json::parse(submitted->body);
    CHECK(body["tickets"].size() == 1);
    CHECK(body["unrouted_purposes"] == nlohmann::json::array({"social_support"}));
    const auto clue_id = clue_of(*submitted);
    CHECK(f.queue(f.hotline) == std::vector<std::string>{clue_id});

    auto r = f.route_by_hand(
        f.hotline_staff, clue_id,
        {{"routes", {{{"agency", "proc-511702"}, {"purpose", "judicial_assistance"}}}}});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::validation);
    CHECK(r.error().errors.at(0).pointer == "/routes/0");
}

TEST_CASE("the sweeper marks overdue tickets and escalates them to the parent agency",
          "[service][routing_flow][deadlines]") {
    FlowFixture f;
    auto submitted = f.submit(f.hotline, clue_body("LATE"));
    REQUIRE(submitted);
    const auto id = ServiceFixture::only_ticket(*submitted);
    const auto fed_id = ServiceFixture::ticket_for(*submitted, "social_support");

    // Nothing is due before the deadline (Friday 27 November, end of day in Beijing).
    f.clock.advance(std::chrono::hours(24 * 7 + 14));  // 2026-11-27T15:12Z
    CHECK(f.sweep().overdue == 0);
    f.clock.advance(std::chrono::minutes(48));  // 16:00Z: the deadline itself
    auto summary = f.sweep();
    CHECK(summary.overdue == 2);
    CHECK(summary.escalated == 2);
    CHECK(f.sweep().overdue == 0);  // marked once

    auto t = f.ticket(id);
    CHECK(t.overdue == std::string("accept"));
    CHECK(t.escalated_to == std::string("proc-511700"));
    CHECK(t.version == 2);
    CHECK(f.ticket(fed_id).escalated_to == std::string("fed-511700"));
    auto h = f.history(id);
    REQUIRE(h.size() == 3);
    CHECK(h[1]["type"] == "ticket.overdue");
    CHECK(h[2]["type"] == "ticket.escalated");
    CHECK(h[2]["related_agency"] == "proc-511700");

    // The parent sees it in its escalated box and may read it, not move it.
    TicketListQuery escalated;
    escalated.box = storage::Box::escalated;
    auto listed = f.tickets.list(f.prefecture, escalated);
    REQUIRE(listed);
    REQUIRE(listed->items.size() == 1);
    CHECK(listed->items[0]["id"] == id);
    CHECK(f.tickets.get(f.prefecture, id).has_value());
    CHECK(f.ServiceFixture::history(f.prefecture, id).has_value());
    auto moved = f.transition(f.prefecture, id, 2, {{"action", "accept"}});
    REQUIRE_FALSE(moved);
    CHECK(moved.error().kind == ErrorKind::forbidden);
    // Other agencies still do not see it.
    CHECK(f.tickets.get(f.other_procuratorate, id).error().kind == ErrorKind::not_found);

    // The recipient's overdue list.
    TicketListQuery overdue;
    overdue.overdue_only = true;
    auto mine = f.tickets.list(f.procuratorate, overdue);
    REQUIRE(mine);
    CHECK(mine->items.size() == 1);
    CHECK(mine->items[0]["overdue"] == "accept");

    // Accepting late clears the accept mark; the close deadline is still ahead.
    auto accepted = f.transition(f.procuratorate, id, 2, {{"action", "accept"}});
    REQUIRE(accepted);
    CHECK_FALSE(accepted->overdue.has_value());
    CHECK(f.tickets.list(f.procuratorate, overdue)->items.empty());

    // Three months later the close deadline passes: overdue again, escalated again.
    f.clock.advance(std::chrono::hours(24 * 90));
    summary = f.sweep();
    CHECK(summary.overdue == 1);  // the federation's ticket is already marked
    CHECK(f.ticket(id).overdue == std::string("close"));
    CHECK(f.history(id).back()["type"] == "ticket.escalated");
}

TEST_CASE("an urgent ticket is due a day after hand-over, weekend or not",
          "[service][routing_flow][deadlines]") {
    FlowFixture f;
    auto body = clue_body("URGENT");
    body["indicators"] = {"domestic_violence", "threat_to_life"};
    auto submitted = f.submit(f.hotline, body);
    REQUIRE(submitted);
    const auto id = ServiceFixture::only_ticket(*submitted);
    REQUIRE(f.ticket(id).priority == domain::Priority::urgent);
    f.clock.advance(std::chrono::hours(23));
    CHECK(f.sweep().overdue == 0);
    f.clock.advance(std::chrono::hours(1));
    CHECK(f.sweep().overdue == 2);
    // A province-level recipient has no parent: overdue, not escalated.
}

TEST_CASE("an overdue ticket of a recipient without parent is marked, not escalated",
          "[service][routing_flow][deadlines]") {
    FlowFixture f;
    auto submitted = f.submit(f.hotline, clue_body("PROVINCE", "510000"));
    REQUIRE(submitted);
    const auto id = ServiceFixture::only_ticket(*submitted);
    CHECK(f.ticket(id).recipient_agency == "proc-510000");
    f.clock.advance(std::chrono::hours(24 * 30));
    auto summary = f.sweep();
    CHECK(summary.overdue == 2);
    CHECK(summary.escalated == 0);
    CHECK_FALSE(f.ticket(id).escalated_to.has_value());
    CHECK(f.history(id).back()["type"] == "ticket.overdue");
}

TEST_CASE("every change of the routing flow is a chained audit row, without personal data",
          "[service][routing_flow][audit]") {
    FlowFixture f;
    // Rejected everywhere: two reroutes up the hierarchy, then the review queue.
    auto submitted = f.submit(f.hotline, clue_body("AUDITED"));
    REQUIRE(submitted);
    const auto clue_id = clue_of(*submitted);
    const auto first = ServiceFixture::only_ticket(*submitted);
    REQUIRE(f.reject(f.procuratorate, first));
    const auto second = f.ticket_to(clue_id, "proc-511700")->id;
    REQUIRE(f.reject(f.prefecture, second));
    const auto third = f.ticket_to(clue_id, "proc-510000")->id;
    REQUIRE(f.reject(f.province, third));
    auto routed = f.route_by_hand(
        f.hotline_staff, clue_id,
        {{"routes", {{{"agency", "proc-511700"}, {"purpose", "judicial_assistance"}}}}});
    REQUIRE(routed);
    const auto by_hand = (*routed)["tickets"][0]["id"].get<std::string>();

    auto unconsented = f.submit(f.hotline, clue_body("AUDITED-2", "511702", false));
    REQUIRE(unconsented);
    const auto dismissed_id = clue_of(*unconsented);
    REQUIRE(f.dismiss(f.hotline_staff, dismissed_id,
                      {{"reason", "王小梅 withdrew; her phone is 13800000001"}}));

    // A month on, the open tickets are overdue; the timer's sweep is the system's act.
    f.clock.advance(std::chrono::hours(24 * 30));
    REQUIRE(f.sweep().overdue > 0);

    struct Row {
        std::string action, record_id, actor_key, request_prefix;
        nlohmann::json detail;
    };
    std::vector<Row> rows;
    for (const auto& e : f.store->reader()->audit_entries(0, 1000)) {
        rows.push_back({e.action, e.record_id, e.actor_key, e.request_id.substr(0, 6), e.detail});
        CHECK(e.detail.dump().find("13800000001") == std::string::npos);
        CHECK(e.detail.dump().find("withdrew") == std::string::npos);
    }
    const auto find = [&](const std::string& action, const std::string& record) {
        return std::find_if(rows.begin(), rows.end(), [&](const Row& r) {
            return r.action == action && r.record_id == record;
        });
    };
    auto rerouted = find("ticket.rerouted", first);
    REQUIRE(rerouted != rows.end());
    CHECK(rerouted->actor_key == "key_proc");
    CHECK(rerouted->detail["to_ticket"] == second);
    CHECK(rerouted->detail["to_agency"] == "proc-511700");
    REQUIRE(find("ticket.rerouted", second) != rows.end());
    auto to_review = find("clue.sent_to_review", clue_id);
    REQUIRE(to_review != rows.end());
    CHECK(to_review->detail["rejected_ticket"] == third);
    auto hand = find("clue.routed_by_hand", clue_id);
    REQUIRE(hand != rows.end());
    CHECK(hand->actor_key == "key_hotline_staff");
    CHECK(hand->detail["tickets"] == nlohmann::json::array({by_hand}));
    auto dismissed = find("clue.dismissed", dismissed_id);
    REQUIRE(dismissed != rows.end());
    CHECK(dismissed->actor_key == "key_hotline_staff");
    auto overdue = find("ticket.overdue", by_hand);
    REQUIRE(overdue != rows.end());
    CHECK(overdue->actor_key == "system");
    CHECK(overdue->request_prefix == "sweep-");
    CHECK(overdue->detail["deadline"] == "accept");
    auto escalated = find("ticket.escalated", by_hand);
    REQUIRE(escalated != rows.end());
    CHECK(escalated->detail["to"] == "proc-510000");

    const auto verified = verify_audit(*f.store->reader());
    CHECK(verified.intact);
    CHECK(verified.rows == static_cast<std::int64_t>(rows.size()));
}

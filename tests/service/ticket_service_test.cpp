#include <catch2/catch.hpp>

#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;

namespace {

std::string new_ticket(ServiceFixture& f, const std::string& reference = "REF-T") {
    auto submitted = f.submit(f.hotline, clue_body(reference));
    REQUIRE(submitted);
    return ServiceFixture::only_ticket(*submitted);
}

}  // namespace

TEST_CASE("a ticket moves through the state table and every step is an event",
          "[service][tickets]") {
    ServiceFixture f;
    const auto id = new_ticket(f);
    f.clock.advance(std::chrono::minutes(5));
    auto accepted = f.transition(f.procuratorate, id, 1, {{"action", "accept"}});
    REQUIRE(accepted);
    CHECK(accepted->status == domain::TicketStatus::accepted);
    CHECK(accepted->version == 2);
    CHECK(accepted->updated_at == storage::test::at(5));

    auto started = f.transition(f.procuratorate, id, 2, {{"action", "start"}});
    REQUIRE(started);
    auto held = f.transition(f.procuratorate, id, 3,
                             {{"action", "hold"},
                              {"reason_code", "needs_information"},
                              {"reason", "waiting for medical records"}});
    REQUIRE(held);
    CHECK(held->status == domain::TicketStatus::on_hold);
    auto resumed = f.transition(f.procuratorate, id, 4, {{"action", "resume"}});
    REQUIRE(resumed);
    auto closed = f.transition(f.procuratorate, id, 5,
                               {{"action", "close"},
                                {"outcome", "assisted"},
                                {"measures",
                                 {{{"type", "legal_aid"},
                                   {"provider_agency", "legal-aid-511702"},
                                   {"status", "provided"}}}}});
    REQUIRE(closed);
    CHECK(closed->status == domain::TicketStatus::closed);
    CHECK(closed->outcome == domain::Outcome::assisted);

    auto history = f.history(f.hotline, id);
    REQUIRE(history);
    const auto& items = (*history)["items"];
    REQUIRE(items.size() == 6);
    const std::vector<std::string> types = {"ticket.created", "ticket.accepted", "ticket.started",
                                            "ticket.on_hold", "ticket.resumed",  "ticket.closed"};
    for (std::size_t i = 0; i < types.size(); ++i) CHECK(items[i]["type"] == types[i]);
    CHECK(items[1]["actor_agency"] == "proc-511702");
    CHECK(items[1]["actor_key"] == "key_proc");
    CHECK(items[3]["reason"] == "waiting for medical records");
    CHECK(items[3]["reason_code"] == "needs_information");
    CHECK(items[5]["outcome"] == "assisted");
    CHECK(items[5]["from_status"] == "in_progress");
}

TEST_CASE("transitions check scope, version, party and state in that order", "[service][tickets]") {
    ServiceFixture f;
    const auto id = new_ticket(f);

    auto outsider = f.transition(f.other_procuratorate, id, 1, {{"action", "accept"}});
    REQUIRE_FALSE(outsider);
    CHECK(outsider.error().kind == ErrorKind::not_found);

    auto missing = f.transition(f.procuratorate, id, std::nullopt, {{"action", "accept"}});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::precondition_required);

    auto stale = f.transition(f.procuratorate, id, 7, {{"action", "accept"}});
    REQUIRE_FALSE(stale);
    CHECK(stale.error().kind == ErrorKind::precondition_failed);
    CHECK(stale.error().current_version == 1);

    auto sender_accepts = f.transition(f.hotline, id, 1, {{"action", "accept"}});
    REQUIRE_FALSE(sender_accepts);
    CHECK(sender_accepts.error().kind == ErrorKind::forbidden);

    auto recipient_cancels = f.transition(f.procuratorate, id, 1, {{"action", "cancel"}});
    REQUIRE_FALSE(recipient_cancels);
    CHECK(recipient_cancels.error().kind == ErrorKind::forbidden);

    auto too_early = f.transition(f.procuratorate, id, 1, {{"action", "start"}});
    REQUIRE_FALSE(too_early);
    CHECK(too_early.error().kind == ErrorKind::transition_not_allowed);

    auto no_reason = f.transition(f.procuratorate, id, 1, {{"action", "reject"}});
    REQUIRE_FALSE(no_reason);
    CHECK(no_reason.error().kind == ErrorKind::validation);
    CHECK(no_reason.error().errors.at(0).pointer == "/reason_code");

    // None of the refusals changed anything.
    auto ticket = f.tickets.get(f.procuratorate, id);
    REQUIRE(ticket);
    CHECK(ticket->version == 1);
    CHECK(ticket->status == domain::TicketStatus::pending);
    CHECK((*f.history(f.procuratorate, id))["items"].size() == 1);

    auto cancelled = f.transition(f.hotline, id, 1, {{"action", "cancel"}});
    REQUIRE(cancelled);
    CHECK(cancelled->status == domain::TicketStatus::cancelled);
    auto after_end = f.transition(f.procuratorate, id, 2, {{"action", "accept"}});
    REQUIRE_FALSE(after_end);
    CHECK(after_end.error().kind == ErrorKind::transition_not_allowed);
}

TEST_CASE("roles limit who may act on tickets", "[service][tickets][scope]") {
    ServiceFixture f;
    const auto id = new_ticket(f);
    Actor intake_at_recipient{"key_i", "proc-511702", Role::intake};
    auto r = f.transition(intake_at_recipient, id, 1, {{"action", "accept"}});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::forbidden);

    Actor admin{"key_a", "proc-510000", Role::admin};
    CHECK(f.tickets.get(admin, id));
    auto admin_acts = f.transition(admin, id, 1, {{"action", "accept"}});
    REQUIRE_FALSE(admin_acts);
    CHECK(admin_acts.error().kind == ErrorKind::forbidden);

    auto outsider = f.tickets.get(f.other_procuratorate, id);
    REQUIRE_FALSE(outsider);
    CHECK(outsider.error().kind == ErrorKind::not_found);
    CHECK_FALSE(f.history(f.other_procuratorate, id));
}

TEST_CASE("inbox and outbox list an agency's tickets page by page", "[service][tickets]") {
    ServiceFixture f;
    for (int i = 0; i < 5; ++i) new_ticket(f, "REF-" + std::to_string(i));
    TicketListQuery q;
    q.limit = 2;
    std::vector<std::string> seen;
    for (int page = 0; page < 5; ++page) {
        auto result = f.tickets.list(f.procuratorate, q);
        REQUIRE(result);
        for (const auto& t : result->items) seen.push_back(t["id"]);
        if (!result->next_cursor) break;
        q.cursor = result->next_cursor;
    }
    CHECK(seen.size() == 5);
    CHECK(std::is_sorted(seen.begin(), seen.end()));

    TicketListQuery outbox;
    outbox.box = storage::Box::outbox;
    auto sent = f.tickets.list(f.hotline, outbox);
    REQUIRE(sent);
    CHECK(sent->items.size() == 10);  // each clue: the procuratorate and the federation
    auto none = f.tickets.list(f.other_procuratorate, TicketListQuery{});
    REQUIRE(none);
    CHECK(none->items.empty());

    TicketListQuery accepted;
    accepted.status = domain::TicketStatus::accepted;
    CHECK(f.tickets.list(f.procuratorate, accepted)->items.empty());
}

TEST_CASE("API keys authenticate until revoked or expired", "[service][keys]") {
    ServiceFixture f;
    auto created = f.keys.create(f.cli, "proc-511702", Role::staff, "case system",
                                 f.clock.now() + std::chrono::hours(24));
    CHECK(created.secret.starts_with("crk_"));
    auto reader = f.store->reader();
    auto actor = f.keys.authenticate(*reader, created.secret);
    REQUIRE(actor);
    CHECK(actor->agency_id == "proc-511702");
    CHECK(actor->role == Role::staff);
    CHECK(actor->key_id == created.key.id);

    CHECK_FALSE(f.keys.authenticate(*reader, created.secret + "x"));
    CHECK_FALSE(f.keys.authenticate(*reader, "crk_short"));
    CHECK_FALSE(f.keys.authenticate(*reader, ""));

    // Only the hash is stored.
    for (const auto& k : f.keys.list()) CHECK(k.id != created.secret);

    f.clock.advance(std::chrono::hours(25));
    CHECK_FALSE(f.keys.authenticate(*reader, created.secret));

    auto other = f.keys.create(f.cli, "hotline-12309-sc", Role::intake, "", std::nullopt);
    CHECK(f.keys.authenticate(*reader, other.secret));
    CHECK(f.keys.revoke(f.cli, other.key.id));
    CHECK_FALSE(f.keys.authenticate(*reader, other.secret));
    CHECK_FALSE(f.keys.revoke(f.cli, "key_nonexistent"));
}

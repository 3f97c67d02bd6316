// Work over time on a ticket (service/ticket_work): notes seen by the case's agencies, sealed
// at rest and audited; measures added and moved on before and after closing; a transition's
// reason kept with its transition only, sealed at rest.
#include <catch2/catch.hpp>

#include <algorithm>

#include "clue_router/storage/sqlite.hpp"
#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;
using nlohmann::json;

namespace {

struct Opened {
    std::string clue_id;
    std::string proc_ticket;
    std::string fed_ticket;
};

// A violence victim's clue: a ticket to the procuratorate and one to the federation, both
// accepted.
Opened opened(ServiceFixture& f, const std::string& reference = "WK-1") {
    auto r = f.submit(f.hotline, clue_body(reference));
    REQUIRE(r);
    Opened o{json::parse(r->body)["clue"]["id"],
             ServiceFixture::ticket_for(*r, "judicial_assistance"),
             ServiceFixture::ticket_for(*r, "social_support")};
    REQUIRE(f.transition(f.procuratorate, o.proc_ticket, 1, {{"action", "accept"}}));
    REQUIRE(f.transition(f.federation, o.fed_ticket, 1, {{"action", "accept"}}));
    return o;
}

// Every text column of the database file, as SQLite stores it.
std::string raw_texts(const std::string& db) {
    storage::sqlite::Connection c(db, storage::sqlite::Connection::Mode::read_only, 1000);
    std::string out;
    for (const char* sql : {"SELECT coalesce(text, '') FROM ticket_notes",
                            "SELECT coalesce(reason, '') FROM ticket_events",
                            "SELECT coalesce(reason, '') FROM tickets"}) {
        auto q = c.query(sql);
        while (q->step()) out += q->text(0) + "\n";
    }
    return out;
}

std::vector<std::string> audit_actions(ServiceFixture& f) {
    std::vector<std::string> out;
    for (const auto& row : f.store->reader()->audit_entries(0, 1000)) out.push_back(row.action);
    return out;
}

json fund(json amount, const char* status = "planned") {
    return {{"type", "judicial_assistance_fund"},
            {"provider_agency", "proc-511702"},
            {"status", status},
            {"amount_cny", std::move(amount)},
            {"disbursement", "lump_sum"}};
}

}  // namespace

TEST_CASE("notes are seen by the case's agencies, sealed at rest, and their reading audited",
          "[service][notes]") {
    ServiceFixture f;
    const auto o = opened(f);
    const std::string text = "今天上门回访，她暂住在姐姐家（东城路12号），电话13800130001。";
    auto note = f.note(f.procuratorate, o.proc_ticket, text);
    REQUIRE(note);
    CHECK((*note)["text"] == text);
    CHECK((*note)["author_agency"] == "proc-511702");
    CHECK((*note)["author_key"] == "key_proc");

    // Partners side by side: the federation reads the procuratorate's note.
    for (const Actor* reader : {&f.procuratorate, &f.federation}) {
        auto h = f.history(*reader, o.proc_ticket);
        REQUIRE(h);
        const auto& last = (*h)["items"].back();
        CHECK(last["type"] == "ticket.note_added");
        CHECK(last["note"]["text"] == text);
    }
    const auto actions = audit_actions(f);
    CHECK(std::count(actions.begin(), actions.end(), "ticket.notes_read") == 2);
    // The hotline that sent the clue follows the ticket, not the work notes; an admin sees
    // that a note exists, not what it says; an outsider sees nothing at all.
    auto hotline = f.history(f.hotline, o.proc_ticket);
    REQUIRE(hotline);
    CHECK(hotline->dump().find("note") == std::string::npos);
    auto admin = f.history(Actor{"key_admin", "proc-510000", Role::admin}, o.proc_ticket);
    REQUIRE(admin);
    CHECK((*admin)["items"].back()["note"].contains("id"));
    CHECK_FALSE((*admin)["items"].back()["note"].contains("text"));
    CHECK_FALSE(f.history(f.other_procuratorate, o.proc_ticket));

    // At rest the text is an envelope, never the words.
    CHECK(raw_texts(f.dir.db()).find("姐姐家") == std::string::npos);
    // Nothing of it in the audit trail either.
    for (const auto& row : f.store->reader()->audit_entries(0, 1000)) {
        CHECK(row.detail.dump().find("姐姐") == std::string::npos);
    }
}

TEST_CASE("who may write a note, and on which ticket", "[service][notes]") {
    ServiceFixture f;
    auto r = f.submit(f.hotline, clue_body("WK-2"));
    REQUIRE(r);
    const auto proc_ticket = ServiceFixture::only_ticket(*r);

    auto pending = f.note(f.procuratorate, proc_ticket, "x");
    REQUIRE_FALSE(pending);
    CHECK(pending.error().kind == ErrorKind::conflict);
    REQUIRE(f.transition(f.procuratorate, proc_ticket, 1, {{"action", "accept"}}));

    auto outsider = f.note(f.other_procuratorate, proc_ticket, "x");
    REQUIRE_FALSE(outsider);
    CHECK(outsider.error().kind == ErrorKind::not_found);
    auto intake = f.note(f.hotline, proc_ticket, "x");
    REQUIRE_FALSE(intake);
    CHECK(intake.error().kind == ErrorKind::forbidden);
    // A partner reads the procuratorate's ticket; it writes on its own.
    auto partner = f.note(f.federation, proc_ticket, "x");
    REQUIRE_FALSE(partner);
    CHECK(partner.error().kind == ErrorKind::forbidden);
    auto empty = f.note(f.procuratorate, proc_ticket, "");
    REQUIRE_FALSE(empty);
    CHECK(empty.error().errors.at(0).pointer == "/text");
    // A note does not move the ticket's version: a colleague's If-Match still holds.
    REQUIRE(f.note(f.procuratorate, proc_ticket, "已联系"));
    CHECK(f.transition(f.procuratorate, proc_ticket, 2, {{"action", "start"}}));
}

TEST_CASE("measures are added and moved on while open and after closing", "[service][measures]") {
    ServiceFixture f;
    const auto o = opened(f);
    REQUIRE(f.transition(f.procuratorate, o.proc_ticket, 2, {{"action", "start"}}));

    auto planned = f.add_measure(f.procuratorate, o.proc_ticket, fund(30000));
    REQUIRE(planned);
    CHECK(planned->version == 1);
    const std::string id = planned->body["id"];
    CHECK(planned->body["status"] == "planned");

    // The regional cap counts every judicial-assistance amount of the ticket.
    auto above = f.add_measure(f.procuratorate, o.proc_ticket, fund(300000));
    REQUIRE_FALSE(above);
    CHECK(above.error().errors.at(0).pointer == "/amount_cny");

    auto no_if_match = f.move_measure(f.procuratorate, o.proc_ticket, id, std::nullopt,
                                      {{"status", "provided"}, {"on", "2026-11-20"}});
    REQUIRE_FALSE(no_if_match);
    CHECK(no_if_match.error().kind == ErrorKind::precondition_required);
    auto stale = f.move_measure(f.procuratorate, o.proc_ticket, id, 7,
                                {{"status", "provided"}, {"on", "2026-11-20"}});
    REQUIRE_FALSE(stale);
    CHECK(stale.error().kind == ErrorKind::precondition_failed);
    CHECK(stale.error().current_version == 1);
    auto tomorrow = f.move_measure(f.procuratorate, o.proc_ticket, id, 1,
                                   {{"status", "provided"}, {"on", "2026-11-22"}});
    REQUIRE_FALSE(tomorrow);
    CHECK(tomorrow.error().errors.at(0).pointer == "/on");

    auto provided = f.move_measure(f.procuratorate, o.proc_ticket, id, 1,
                                   {{"status", "provided"}, {"on", "2026-11-20"}});
    REQUIRE(provided);
    CHECK(provided->version == 2);
    CHECK(provided->body["status_on"] == "2026-11-20");
    auto backwards = f.move_measure(f.procuratorate, o.proc_ticket, id, 2,
                                    {{"status", "declined"}, {"on", "2026-11-20"}});
    REQUIRE_FALSE(backwards);
    CHECK(backwards.error().kind == ErrorKind::conflict);

    // "assisted" is satisfied by the measure recorded before closing.
    auto closed = f.transition(f.procuratorate, o.proc_ticket, 3,
                               {{"action", "close"}, {"outcome", "assisted"}});
    REQUIRE(closed);
    REQUIRE(closed->measures.size() == 1);

    // After closing: a follow-up visit the next day, planned then given by another provider.
    f.clock.advance(std::chrono::hours(24));
    auto follow_up = f.add_measure(f.procuratorate, o.proc_ticket,
                                   {{"type", "psychological_counselling"},
                                    {"provider_agency", "fed-511702"},
                                    {"status", "planned"}});
    REQUIRE(follow_up);
    auto given = f.move_measure(
        f.procuratorate, o.proc_ticket, follow_up->body["id"], 1,
        {{"status", "provided"}, {"on", "2026-11-21"}, {"provider_agency", "counselling-centre"}});
    REQUIRE(given);
    CHECK(given->body["provider_agency"] == "counselling-centre");

    // The partner reads them on the procuratorate's ticket; each change was an event.
    auto at_fed = f.tickets.get(f.federation, o.proc_ticket);
    REQUIRE(at_fed);
    REQUIRE(at_fed->measures.size() == 2);
    CHECK(at_fed->measures[1].measure.status == domain::MeasureStatus::provided);
    auto h = f.history(f.federation, o.proc_ticket);
    REQUIRE(h);
    int added = 0, updated = 0;
    for (const auto& e : (*h)["items"]) {
        added += e["type"] == "ticket.measure_added";
        updated += e["type"] == "ticket.measure_updated";
    }
    CHECK(added == 2);
    CHECK(updated == 2);

    // Only the agency working the ticket records its measures.
    auto partner = f.add_measure(f.federation, o.proc_ticket, fund(1));
    REQUIRE_FALSE(partner);
    CHECK(partner.error().kind == ErrorKind::forbidden);
    auto elsewhere = f.move_measure(f.procuratorate, o.fed_ticket, id, 2,
                                    {{"status", "declined"}, {"on", "2026-11-20"}});
    REQUIRE_FALSE(elsewhere);
    CHECK(elsewhere.error().kind == ErrorKind::forbidden);
}

TEST_CASE("a transition's reason belongs to that transition only, sealed at rest",
          "[service][tickets]") {
    ServiceFixture f;
    const auto o = opened(f);
    REQUIRE(f.transition(f.procuratorate, o.proc_ticket, 2, {{"action", "start"}}));
    const std::string why = "等待王某某的伤情鉴定，联系人电话13800130001";
    auto held =
        f.transition(f.procuratorate, o.proc_ticket, 3,
                     {{"action", "hold"}, {"reason_code", "needs_information"}, {"reason", why}});
    REQUIRE(held);
    REQUIRE(f.transition(f.procuratorate, o.proc_ticket, 4, {{"action", "resume"}}));
    auto closed = f.transition(f.procuratorate, o.proc_ticket, 5,
                               {{"action", "close"}, {"outcome", "not_eligible"}});
    REQUIRE(closed);
    const auto ticket = domain::to_json(*f.tickets.get(f.procuratorate, o.proc_ticket));
    CHECK_FALSE(ticket.contains("reason"));
    CHECK(ticket.dump().find(why) == std::string::npos);
    auto h = f.history(f.procuratorate, o.proc_ticket);
    REQUIRE(h);
    int with_reason = 0;
    for (const auto& e : (*h)["items"]) {
        if (!e.contains("reason")) continue;
        ++with_reason;
        CHECK(e["type"] == "ticket.on_hold");
        CHECK(e["reason"] == why);
        CHECK(e["reason_code"] == "needs_information");
    }
    CHECK(with_reason == 1);
    // The code stays in clear for counting; the words are sealed.
    CHECK(raw_texts(f.dir.db()).find("13800130001") == std::string::npos);
}

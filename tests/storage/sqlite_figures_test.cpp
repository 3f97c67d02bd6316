// The SQL behind GET /v1/stats, against a real SQLite file: which clues and tickets a window
// and scope read, and what each fact says.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/stats.hpp"
#include "clue_router/storage/sqlite.hpp"
#include "clue_router/storage/sqlite_store.hpp"
#include "storage/storage_test_support.hpp"

using namespace clue_router;
using namespace clue_router::storage;
using namespace clue_router::storage::test;
using domain::TicketStatus;

namespace {

constexpr std::chrono::minutes kChina{480};

StoredScreening screening(const std::string& clue_id, std::vector<std::string> groups) {
    nlohmann::json key_groups = nlohmann::json::array();
    for (const auto& g : groups)
        key_groups.push_back({{"group", g}, {"score", 60}, {"reasons", nlohmann::json::array()}});
    return StoredScreening{
        clue_id, "test", 60, domain::Priority::high, {{"key_groups", key_groups}}, at(1)};
}

domain::TicketEvent accepted_event(const std::string& ticket_id, domain::Timestamp when) {
    domain::TicketEvent e;
    e.ticket_id = ticket_id;
    e.type = "ticket.accepted";
    e.from_status = "pending";
    e.to_status = "accepted";
    e.actor_agency = "proc-511702";
    e.actor_key = "key_staff";
    e.at = when;
    return e;
}

domain::AidMeasure measure(domain::MeasureType type, domain::Fen fen = 0,
                           domain::MeasureStatus status = domain::MeasureStatus::provided) {
    domain::AidMeasure m;
    m.type = type;
    m.provider_agency = "proc-511702";
    m.status = status;
    if (type == domain::MeasureType::judicial_assistance_fund) {
        m.amount_fen = fen;
        m.paid_on = domain::CivilDate{2026, 11, 21};
    }
    return m;
}

void insert_measure(WriteTransaction& tx, const std::string& id, const std::string& ticket_id,
                    domain::AidMeasure m, std::optional<domain::CivilDate> on,
                    domain::Timestamp recorded_at) {
    tx.insert_measure(domain::RecordedMeasure{id, ticket_id, std::move(m), on, 1, "proc-511702",
                                              recorded_at, recorded_at});
}

StoredClue clue_about(std::string id, std::string sender, std::string region,
                      ClueStatus status = ClueStatus::routed) {
    auto c = stored_clue(std::move(id), std::move(sender), status);
    c.clue.subject.region = std::move(region);
    return c;
}

// A provincial hotline's clues about women in two prefectures; one reported long ago but
// entered now, one entered long ago but reported inside the window.
struct World {
    TempDir dir;
    std::unique_ptr<Store> store = open_sqlite_store(options_for(dir));

    World() {
        write_and_wait(*store, [](WriteTransaction& tx) {
            // c1: about a woman in 511702, two tickets: one closed assisted with measures
            // after 2h acceptance and a day's work, one rejected.
            insert_in_case(tx,
                           clue_about("c1", "hotline-12309-sc", "511702", ClueStatus::answered));
            tx.insert_screening(screening("c1", {"crime_victim", "dv_divorce"}));
            auto t1 = ticket("t1", "c1", "hotline-12309-sc", "proc-511702", TicketStatus::closed);
            t1.outcome = domain::Outcome::assisted;
            tx.insert_ticket(t1);
            tx.append_event(accepted_event("t1", at(2 + 120)));
            tx.append_event(accepted_event("t1", at(2 + 300)));  // only the first counts
            // What was said at closing: the fund paid, shelter and counselling planned, legal
            // aid declined. The figures read the measures as they stand since: shelter given
            // the day before yesterday, counselling given long ago (outside the window).
            tx.insert_closure(TicketClosure{
                "t1",
                domain::Outcome::assisted,
                {measure(domain::MeasureType::judicial_assistance_fund, 3'000'012),
                 measure(domain::MeasureType::shelter, 0, domain::MeasureStatus::planned),
                 measure(domain::MeasureType::psychological_counselling, 0,
                         domain::MeasureStatus::planned),
                 measure(domain::MeasureType::legal_aid, 0, domain::MeasureStatus::declined)},
                std::nullopt,
                "proc-511702",
                at(2 + 24 * 60)});
            insert_measure(tx, "m1", "t1",
                           measure(domain::MeasureType::judicial_assistance_fund, 3'000'012),
                           std::nullopt, at(30));
            insert_measure(tx, "m2", "t1", measure(domain::MeasureType::shelter),
                           domain::CivilDate{2026, 11, 18}, at(2 + 24 * 60));
            insert_measure(tx, "m3", "t1", measure(domain::MeasureType::psychological_counselling),
                           domain::CivilDate{2026, 9, 1}, at(2 + 24 * 60));
            insert_measure(
                tx, "m4", "t1",
                measure(domain::MeasureType::legal_aid, 0, domain::MeasureStatus::declined),
                domain::CivilDate{2026, 11, 19}, at(2 + 24 * 60));
            insert_measure(tx, "m5", "t1",
                           measure(domain::MeasureType::medical, 0, domain::MeasureStatus::planned),
                           std::nullopt, at(2 + 24 * 60));
            auto t1b =
                ticket("t1b", "c1", "hotline-12309-sc", "proc-511702", TicketStatus::rejected);
            t1b.purpose = "social_support";
            tx.insert_ticket(t1b);

            // c2: in the review queue, no ticket, not rural.
            auto c2 = clue_about("c2", "hotline-12309-sc", "511702", ClueStatus::needs_review);
            c2.clue.subject.rural = false;
            insert_in_case(tx, c2);
            tx.insert_screening(screening("c2", {}));

            // c3: about a woman in 510104, routed, overdue and escalated.
            insert_in_case(tx, clue_about("c3", "hotline-12309-sc", "510104"));
            tx.insert_screening(screening("c3", {"crime_victim"}));
            auto t3 = ticket("t3", "c3", "hotline-12309-sc", "proc-510104");
            t3.overdue = "accept";
            t3.escalated_to = "proc-510100";
            tx.insert_ticket(t3);
            // c7: a second report about her, joined her open case: carried by t3.
            auto c7 = clue_about("c7", "hotline-12338-sc", "510104");
            c7.case_id = "case-c3";
            insert_in_case(tx, c7);
            tx.cover("t3", "c7", at(5));

            // c4: dismissed, sent by a procuratorate.
            auto c4 = clue_about("c4", "proc-510104", "510104", ClueStatus::dismissed);
            c4.review_reason = "no_agency_for_region";
            insert_in_case(tx, c4);

            // c5: reported 90 days ago, entered now: outside the window, with its ticket.
            auto c5 = clue_about("c5", "hotline-12309-sc", "511702");
            c5.clue.source.received_at = at(-60 * 24 * 90);
            insert_in_case(tx, c5);
            auto t5 = ticket("t5", "c5", "hotline-12309-sc", "proc-511702", TicketStatus::accepted);
            t5.created_at = at(-60 * 24 * 90);
            tx.insert_ticket(t5);
            // Aid given yesterday on that old ticket: in the window, though its ticket is not.
            insert_measure(tx, "m6", "t5", measure(domain::MeasureType::employment),
                           domain::CivilDate{2026, 11, 19}, at(-60 * 24 * 80));
            // Recorded as provided 85 days ago with no date: outside.
            insert_measure(tx, "m7", "t5", measure(domain::MeasureType::legal_aid), std::nullopt,
                           at(-60 * 24 * 85));

            // c6: entered 90 days ago, but reported within the window.
            auto c6 = clue_about("c6", "hotline-12309-sc", "511702");
            c6.created_at = at(-60 * 24 * 90);
            insert_in_case(tx, c6);
        });
    }

    domain::StatsFacts facts(domain::StatsScope scope = {}, bool extras = true) {
        domain::StatsQuery q;
        q.from = at(-60 * 24 * 30);
        q.to = at(60);
        q.days = {domain::local_day_of(q.from, kChina),
                  domain::local_day_of(q.to, kChina) + std::chrono::days{1}};
        q.scope = std::move(scope);
        q.key_groups = q.purposes = q.rural = extras;
        auto f = store->reader()->stats_facts(q);
        std::sort(f.clues.begin(), f.clues.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        std::sort(f.tickets.begin(), f.tickets.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        std::sort(f.measures.begin(), f.measures.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        return f;
    }
};

std::vector<std::string> ids(const domain::StatsFacts& f) {
    std::vector<std::string> out;
    for (const auto& c : f.clues) out.push_back(c.id);
    for (const auto& t : f.tickets) out.push_back(t.id);
    for (const auto& m : f.measures) out.push_back(m.id);
    return out;
}

}  // namespace

TEST_CASE("stats SQL: clues by when the report was received, tickets by hand-over",
          "[storage][stats]") {
    World w;
    const auto f = w.facts();
    CHECK(ids(f) == std::vector<std::string>{"c1", "c2", "c3", "c4", "c6", "c7", "t1", "t1b", "t3",
                                             "m1", "m2", "m6"});
}

TEST_CASE("stats SQL: a clue's fact: the woman's region, channel, status, groups, purposes",
          "[storage][stats]") {
    World w;
    const auto f = w.facts();
    const auto& c1 = f.clues[0];
    CHECK(c1.region == "511702");
    CHECK(c1.sender_agency == "hotline-12309-sc");
    CHECK(c1.channel == "hotline_12309");
    CHECK(c1.priority == domain::Priority::high);
    CHECK(c1.state == domain::ClueState::answered);
    CHECK(c1.rural);
    CHECK(c1.key_groups == std::vector<std::string>{"crime_victim", "dv_divorce"});
    auto purposes = c1.purposes;
    std::sort(purposes.begin(), purposes.end());
    CHECK(purposes == std::vector<std::string>{"judicial_assistance", "social_support"});
    CHECK(c1.received_at == at(0));
    CHECK(c1.key == 0);  // the service gives keys
    const auto& c2 = f.clues[1];
    CHECK(c2.state == domain::ClueState::in_review);
    CHECK(c2.sent_to_review);
    CHECK_FALSE(c2.rural);
    CHECK(c2.key_groups.empty());
    CHECK(c2.purposes.empty());
    CHECK(f.clues[3].state == domain::ClueState::dismissed);
    CHECK(f.clues[3].key_groups.empty());  // no screening at all
    CHECK(f.clues[2].state == domain::ClueState::routed);
    // A report that joined her open case has the purposes of the tickets carrying it.
    const auto& c7 = f.clues[5];
    CHECK(c7.id == "c7");
    CHECK(c7.state == domain::ClueState::routed);
    CHECK(c7.purposes == std::vector<std::string>{"judicial_assistance"});

    // Without the dimensions that need them, groups, purposes and the rural flag are not read.
    const auto plain = w.facts({}, false);
    CHECK(plain.clues[0].key_groups.empty());
    CHECK(plain.clues[0].purposes.empty());
    CHECK_FALSE(plain.clues[0].rural);
}

TEST_CASE("stats SQL: aid provided, as the measures stand, by the day it was provided",
          "[storage][stats]") {
    World w;
    const auto f = w.facts();
    // Planned, declined and provided outside the window are not read; neither is what the
    // closure said (shelter "planned" there, provided since).
    REQUIRE(f.measures.size() == 3);
    const auto& fund = f.measures[0];
    CHECK(fund.id == "m1");
    CHECK(fund.type == domain::MeasureType::judicial_assistance_fund);
    CHECK(fund.amount_fen == 3'000'012);
    CHECK_FALSE(fund.provided_on);  // no date given: the day it was recorded
    CHECK(fund.recorded_at == at(30));
    CHECK(fund.recipient_agency == "proc-511702");
    CHECK(fund.purpose == "judicial_assistance");
    CHECK(fund.priority == domain::Priority::high);
    CHECK(fund.region == "511702");
    CHECK(fund.channel == "hotline_12309");
    CHECK(fund.rural);
    CHECK(fund.key_groups == std::vector<std::string>{"crime_victim", "dv_divorce"});
    CHECK(fund.key == 0);
    const auto& shelter = f.measures[1];
    CHECK(shelter.type == domain::MeasureType::shelter);
    CHECK(shelter.amount_fen == 0);
    CHECK(shelter.provided_on == domain::LocalDay{std::chrono::year{2026} / 11 / 18});
    // Given yesterday on a ticket handed over three months ago.
    const auto& late = f.measures[2];
    CHECK(late.type == domain::MeasureType::employment);
    CHECK(late.provided_on == domain::LocalDay{std::chrono::year{2026} / 11 / 19});
    CHECK(late.region == "511702");

    const auto plain = w.facts({}, false);
    CHECK(plain.measures[0].key_groups.empty());
    CHECK_FALSE(plain.measures[0].rural);
}

TEST_CASE("stats SQL: a ticket's fact: status, times, outcome, its clue's place",
          "[storage][stats]") {
    World w;
    const auto f = w.facts();
    const auto& t1 = f.tickets[0];
    CHECK(t1.status == TicketStatus::closed);
    CHECK(t1.outcome == domain::Outcome::assisted);
    CHECK(t1.handed_over_at == at(2));
    CHECK(t1.first_accepted_at == at(122));
    CHECK(t1.closed_at == at(2 + 24 * 60));
    CHECK(t1.received_at == at(0));
    CHECK(t1.region == "511702");
    CHECK(t1.key_groups == std::vector<std::string>{"crime_victim", "dv_divorce"});
    CHECK(t1.rural);
    const auto& t1b = f.tickets[1];
    CHECK(t1b.status == TicketStatus::rejected);
    CHECK(t1b.purpose == "social_support");
    CHECK_FALSE(t1b.first_accepted_at);
    const auto& t3 = f.tickets[2];
    CHECK(t3.overdue);
    CHECK(t3.escalated);
    CHECK(t3.region == "510104");
    CHECK(t3.recipient_agency == "proc-510104");
}

TEST_CASE("stats SQL: scope by the woman's region, the staff agency and the clue sender",
          "[storage][stats]") {
    World w;
    // A prefecture's women, whoever sent their clues (here a provincial hotline).
    CHECK(ids(w.facts({std::string("5117"), std::nullopt, std::nullopt})) ==
          std::vector<std::string>{"c1", "c2", "c6", "t1", "t1b", "m1", "m2", "m6"});
    // Staff: the clues it sent, the tickets handed to it and the aid recorded on them.
    CHECK(ids(w.facts({std::nullopt, std::string("proc-510104"), std::nullopt})) ==
          std::vector<std::string>{"c4", "t3"});
    CHECK(ids(w.facts({std::nullopt, std::string("proc-511702"), std::nullopt})) ==
          std::vector<std::string>{"t1", "t1b", "m1", "m2", "m6"});
    // Intake: its clues and the tickets made from them.
    CHECK(ids(w.facts({std::nullopt, std::nullopt, std::string("proc-510104")})) ==
          std::vector<std::string>{"c4"});
    CHECK(ids(w.facts({std::string("44"), std::nullopt, std::nullopt})).empty());
}

TEST_CASE("stats SQL: the figures secret is random per database and stable", "[storage][stats]") {
    World a;
    World b;
    const auto secret = a.store->reader()->figures_secret();
    CHECK(secret.size() == 64);
    CHECK(secret.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(a.store->reader()->figures_secret() == secret);
    CHECK(b.store->reader()->figures_secret() != secret);
}

TEST_CASE("stats SQL: the window queries use the received_at and created_at indexes",
          "[storage][stats]") {
    World w;
    sqlite::Connection c(w.dir.db(), sqlite::Connection::Mode::read_only, 1000);
    for (const auto& [sql, index] :
         {std::pair{"SELECT count(*) FROM clues c WHERE c.received_at >= ? AND c.received_at < ?",
                    "clues_by_received"},
          std::pair{"SELECT count(*) FROM tickets t WHERE t.created_at >= ? AND t.created_at < ?",
                    "tickets_by_created"}}) {
        auto q = c.query(std::string("EXPLAIN QUERY PLAN ") + sql);
        q->bind_all("2026-11-01", "2026-12-01");
        std::string plan;
        while (q->step()) plan += q->text(3) + "\n";
        INFO(plan);
        CHECK(plan.find(index) != std::string::npos);
    }
}

TEST_CASE("stats SQL: aid provided is searched by its date, or when it was recorded",
          "[storage][stats]") {
    World w;
    sqlite::Connection c(w.dir.db(), sqlite::Connection::Mode::read_only, 1000);
    // The measure statement's window, as sqlite_figures writes it: both arms search the index
    // (a scan of every measure ever provided would grow with the years).
    auto q = c.query(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM ticket_measures m"
        " WHERE ((m.status = 'provided' AND m.status_on >= ?3 AND m.status_on <= ?4)"
        " OR (m.status = 'provided' AND m.status_on IS NULL"
        " AND m.created_at >= ?1 AND m.created_at < ?2))");
    q->bind_all("2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z", "2026-11-01", "2026-11-30");
    std::string plan;
    while (q->step()) plan += q->text(3) + "\n";
    INFO(plan);
    CHECK(plan.find("SCAN") == std::string::npos);
    CHECK(plan.find("SEARCH m USING INDEX ticket_measures_provided (status_on>? AND "
                    "status_on<?)") != std::string::npos);
    CHECK(plan.find("SEARCH m USING INDEX ticket_measures_provided (status_on=? AND "
                    "created_at>? AND created_at<?)") != std::string::npos);
}

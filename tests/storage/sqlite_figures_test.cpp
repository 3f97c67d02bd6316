// The SQL behind GET /v1/stats, against a real SQLite file: what each figure counts, the
// period, the scope filters and the groupings.
#include <catch2/catch.hpp>

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
using domain::GroupFigures;
using domain::StatsGrouping;
using domain::TicketStatus;

namespace {

domain::Agency agency(std::string id, std::string region) {
    domain::Agency a;
    a.id = std::move(id);
    a.kind = "procuratorate";
    a.name = a.id;
    a.region = std::move(region);
    return a;
}

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

// A small world: two county procuratorates in different prefectures, a hotline at the
// province, clues received inside and outside the period.
struct World {
    TempDir dir;
    std::unique_ptr<Store> store = open_sqlite_store(options_for(dir));

    World() {
        write_and_wait(*store, [](WriteTransaction& tx) {
            tx.upsert_agency(agency("proc-511702", "511702"));
            tx.upsert_agency(agency("proc-510104", "510104"));
            tx.upsert_agency(agency("hotline-12309-sc", "510000"));

            // c1: crime victim, two tickets to proc-511702: one closed assisted with measures
            // after 2h acceptance and a day's work, one rejected.
            insert_in_case(tx, stored_clue("c1", "hotline-12309-sc", ClueStatus::answered));
            tx.insert_screening(screening("c1", {"crime_victim", "dv_divorce"}));
            auto t1 = ticket("t1", "c1", "hotline-12309-sc", "proc-511702", TicketStatus::closed);
            t1.outcome = domain::Outcome::assisted;
            tx.insert_ticket(t1);
            tx.append_event(accepted_event("t1", at(2 + 120)));
            tx.insert_closure(TicketClosure{
                "t1",
                domain::Outcome::assisted,
                {measure(domain::MeasureType::judicial_assistance_fund, 3'000'012),
                 measure(domain::MeasureType::shelter),
                 measure(domain::MeasureType::legal_aid, 0, domain::MeasureStatus::declined)},
                std::nullopt,
                "proc-511702",
                at(2 + 24 * 60)});
            auto t1b =
                ticket("t1b", "c1", "hotline-12309-sc", "proc-511702", TicketStatus::rejected);
            t1b.purpose = "social_support";
            tx.insert_ticket(t1b);

            // c2: in the review queue, no ticket.
            insert_in_case(tx, stored_clue("c2", "hotline-12309-sc", ClueStatus::needs_review));
            tx.insert_screening(screening("c2", {}));

            // c3: routed to proc-510104, pending, overdue and escalated.
            insert_in_case(tx, stored_clue("c3", "hotline-12309-sc"));
            tx.insert_screening(screening("c3", {"crime_victim"}));
            auto t3 = ticket("t3", "c3", "hotline-12309-sc", "proc-510104");
            t3.overdue = "accept";
            t3.escalated_to = "proc-510100";
            tx.insert_ticket(t3);

            // c4: dismissed from the queue, submitted by another sender.
            auto c4 = stored_clue("c4", "proc-510104", ClueStatus::dismissed);
            c4.review_reason = "no_agency_for_region";
            insert_in_case(tx, c4);

            // c5: received long before the period; its ticket too.
            auto c5 = stored_clue("c5", "hotline-12309-sc");
            c5.created_at = at(-60 * 24 * 90);
            insert_in_case(tx, c5);
            auto t5 = ticket("t5", "c5", "hotline-12309-sc", "proc-511702", TicketStatus::accepted);
            t5.created_at = at(-60 * 24 * 90);
            tx.insert_ticket(t5);
        });
    }

    std::map<std::string, GroupFigures> figures(StatsGrouping by, domain::StatsScope scope = {}) {
        domain::StatsQuery q{at(-60 * 24 * 30), at(60), by, std::move(scope),
                             std::chrono::minutes(480)};
        std::map<std::string, GroupFigures> out;
        for (auto& g : store->reader()->stats_figures(q)) out[g.group] = std::move(g);
        return out;
    }
};

}  // namespace

TEST_CASE("stats SQL: one total counts clues, tickets, outcomes, measures and durations",
          "[storage][stats]") {
    World w;
    auto f = w.figures(StatsGrouping::total);
    REQUIRE(f.size() == 1);
    const auto& t = f.at("total");
    CHECK(t.clues_received == 4);  // c5 lies before the period
    CHECK(t.clues_routed == 2);
    CHECK(t.clues_sent_to_review == 2);
    CHECK(t.clues_in_review == 1);
    CHECK(t.clues_dismissed == 1);
    CHECK(t.clues_answered == 1);
    CHECK(t.tickets_created == 3);
    CHECK(t.tickets_accepted == 1);
    CHECK(t.tickets_rejected == 1);
    CHECK(t.tickets_closed == 1);
    CHECK(t.tickets_open == 1);
    CHECK(t.tickets_overdue == 1);
    CHECK(t.tickets_escalated == 1);
    CHECK(t.outcomes[0] == 1);
    CHECK(t.measures[0] == 1);  // fund
    CHECK(t.measures[6] == 1);  // shelter
    CHECK(t.measures[1] == 0);  // legal aid was declined
    CHECK(t.judicial_assistance_fen == 3'000'012);
    REQUIRE(t.to_accept.size() == 1);
    CHECK(t.to_accept[0] == std::chrono::hours(2));
    REQUIRE(t.to_close.size() == 1);
    CHECK(t.to_close[0] == std::chrono::hours(24));
}

TEST_CASE("stats SQL: grouped by agency, clues count for the sender, tickets for the recipient",
          "[storage][stats]") {
    World w;
    auto f = w.figures(StatsGrouping::agency);
    CHECK(f.at("hotline-12309-sc").clues_received == 3);
    CHECK(f.at("hotline-12309-sc").tickets_created == 0);
    CHECK(f.at("hotline-12309-sc").region == "510000");
    CHECK(f.at("proc-511702").tickets_created == 2);
    CHECK(f.at("proc-511702").tickets_closed == 1);
    CHECK(f.at("proc-511702").region == "511702");
    CHECK(f.at("proc-510104").tickets_overdue == 1);
    CHECK(f.at("proc-510104").clues_dismissed == 1);
}

TEST_CASE("stats SQL: scope by region prefix, agency and clue sender", "[storage][stats]") {
    World w;
    auto prefecture =
        w.figures(StatsGrouping::total, {std::string("5117"), std::nullopt, std::nullopt});
    REQUIRE(prefecture.count("total"));
    CHECK(prefecture.at("total").tickets_created == 2);
    CHECK(prefecture.at("total").clues_received == 0);  // the hotline sits at the province

    auto staff =
        w.figures(StatsGrouping::total, {std::nullopt, std::string("proc-510104"), std::nullopt});
    CHECK(staff.at("total").tickets_created == 1);
    CHECK(staff.at("total").clues_received == 1);

    auto intake =
        w.figures(StatsGrouping::total, {std::nullopt, std::nullopt, std::string("proc-510104")});
    CHECK(intake.at("total").clues_received == 1);
    CHECK(intake.at("total").tickets_created == 0);

    auto nowhere = w.figures(StatsGrouping::total, {std::string("44"), std::nullopt, std::nullopt});
    CHECK(nowhere.empty());
}

TEST_CASE("stats SQL: key groups from the latest screening, weeks and months in local time",
          "[storage][stats]") {
    World w;
    auto groups = w.figures(StatsGrouping::key_group);
    CHECK(groups.at("crime_victim").clues_received == 2);
    CHECK(groups.at("crime_victim").tickets_created == 3);
    CHECK(groups.at("dv_divorce").tickets_closed == 1);
    CHECK(groups.at("dv_divorce").measures[0] == 1);
    CHECK(groups.at("none").clues_received == 2);  // c2 (no group) and c4 (no screening)

    // 2026-11-20T01:13Z is Friday 20 November in China; its week began on Monday the 16th.
    auto weeks = w.figures(StatsGrouping::week);
    REQUIRE(weeks.size() == 1);
    CHECK(weeks.count("2026-11-16"));
    auto months = w.figures(StatsGrouping::month);
    REQUIRE(months.size() == 1);
    CHECK(months.count("2026-11"));
}

TEST_CASE("stats SQL: the period queries use the created_at indexes", "[storage][stats]") {
    World w;
    // The plan of the clue query's core: an index on created_at, not a full scan.
    sqlite::Connection c(w.dir.db(), sqlite::Connection::Mode::read_only, 1000);
    auto q = c.query(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM tickets t WHERE t.created_at >= ? "
        "AND t.created_at < ?");
    q->bind_all("2026-11-01", "2026-12-01");
    std::string plan;
    while (q->step()) plan += q->text(3) + "\n";
    CHECK(plan.find("tickets_by_created") != std::string::npos);
}

// Retention: personal data goes a set period after the loop closes; the anonymised record,
// its screening and tickets stay for the figures.
#include <catch2/catch.hpp>

#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/retention.hpp"
#include "clue_router/storage/sqlite.hpp"
#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;

namespace {

nlohmann::json reply_of(const Result<SubmittedClue>& r) {
    REQUIRE(r);
    return nlohmann::json::parse(r->body);
}

std::string raw(const std::string& db, const std::string& sql) {
    storage::sqlite::Connection c(db, storage::sqlite::Connection::Mode::read_only, 1000);
    auto q = c.query(sql);
    std::string out;
    while (q->step()) out += q->text(0) + "\n";
    return out;
}

}  // namespace

TEST_CASE("personal data is purged a period after the loop closes, figures stay",
          "[service][retention]") {
    ServiceFixture f;
    const auto closed = reply_of(f.submit(f.hotline, clue_body("R-1")));
    const std::string closed_id = closed["clue"]["id"];
    for (const auto& t : closed["tickets"]) {
        // A rejection routes the clue again; the sender cancelling finishes the ticket.
        REQUIRE(f.transition(f.hotline, t["id"].get<std::string>(), 1, {{"action", "cancel"}}));
    }
    const std::string open_id = reply_of(f.submit(f.hotline, clue_body("R-2")))["clue"]["id"];
    const std::string review_id =
        reply_of(f.submit(f.hotline, clue_body("R-3", "511702", false)))["clue"]["id"];

    Retention retention(*f.store, f.clock, std::chrono::days(180));
    // Not yet: the period runs from the close.
    f.clock.advance(std::chrono::days(179));
    CHECK(retention.dry_run().due.empty());
    CHECK(retention.purge(f.cli).purged == 0);

    f.clock.advance(std::chrono::days(2));
    const auto planned = retention.dry_run();
    REQUIRE(planned.due.size() == 1);
    CHECK(planned.due[0].clue_id == closed_id);
    // A dry run changes nothing.
    CHECK(f.clues.get(f.hotline, closed_id)->at("clue")["personal_data"] == "masked");

    const auto done = retention.purge(f.cli);
    CHECK(done.purged == 1);
    CHECK(retention.purge(f.cli).purged == 0);

    auto after = f.clues.get(f.hotline, closed_id);
    REQUIRE(after);
    const auto& clue = (*after)["clue"];
    CHECK(clue["personal_data"] == "purged");
    CHECK_FALSE(clue["subject"].contains("name"));
    CHECK_FALSE(clue["subject"].contains("id_number"));
    CHECK_FALSE(clue["subject"].contains("phone"));
    // What the figures need stays.
    CHECK(clue["subject"]["region"] == "511702");
    CHECK(clue["source"]["channel"] == "hotline_12309");
    CHECK((*after)["tickets"].size() == closed["tickets"].size());
    CHECK((*after)["screening"]["priority"] == closed["screening"]["priority"]);
    // Even a clear read has nothing left to show.
    auto revealed = f.reveal(f.hotline, closed_id);
    REQUIRE(revealed);
    CHECK_FALSE((*revealed)["clue"]["subject"].contains("name"));
    CHECK((*revealed)["clue"]["narrative"] == "");

    // In the file: no envelope and no blind-index digest left for it.
    const std::string body =
        raw(f.dir.db(), "SELECT body_json FROM clues WHERE id = '" + closed_id + "'");
    CHECK(body.find("cr1.") == std::string::npos);
    CHECK(raw(f.dir.db(), "SELECT digest FROM clue_identifiers WHERE clue_id = '" + closed_id + "'")
              .empty());

    // Open clues and clues waiting for review keep theirs.
    CHECK(f.clues.get(f.hotline, open_id)->at("clue")["personal_data"] == "masked");
    CHECK(f.clues.get(f.hotline, review_id)->at("clue")["personal_data"] == "masked");

    // Audited, and the chain holds.
    std::vector<std::string> purged;
    for (const auto& row : f.store->reader()->audit_entries(0, 1000)) {
        if (row.action == "clue.personal_data_purged") purged.push_back(row.record_id);
    }
    CHECK(purged == std::vector<std::string>{closed_id});
    CHECK(verify_audit(*f.store->reader()).intact);
}

TEST_CASE("a closed clue linked to an open case keeps its data while the case is open",
          "[service][retention]") {
    ServiceFixture f;
    const auto first = reply_of(f.submit(f.hotline, clue_body("L-1")));
    // A second report about another woman, linked by hand, then closed.
    const auto second = reply_of(f.submit(f.hotline, clue_body("L-2")));
    const std::string second_id = second["clue"]["id"];
    REQUIRE(ServiceFixture::wait_for<nlohmann::json>([&](auto done) {
        f.clues.link(f.procuratorate, second_id, {{"clue_id", first["clue"]["id"]}},
                     std::move(done));
    }));
    for (const auto& t : second["tickets"]) {
        // A rejection routes the clue again; the sender cancelling finishes the ticket.
        REQUIRE(f.transition(f.hotline, t["id"].get<std::string>(), 1, {{"action", "cancel"}}));
    }
    f.clock.advance(std::chrono::days(400));
    Retention retention(*f.store, f.clock, std::chrono::days(180));
    CHECK(retention.dry_run().due.empty());
}

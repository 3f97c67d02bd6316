// Aid measures over time: the state table, the date a move needs, and what a request may say;
// and notes' shape checks.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "clue_router/domain/measure_progress.hpp"
#include "clue_router/domain/ticket_note.hpp"

using namespace clue_router::domain;
using nlohmann::json;
using S = MeasureStatus;

namespace {

RecordedMeasure planned_counselling() {
    RecordedMeasure m;
    m.id = "m-1";
    m.ticket_id = "t-1";
    m.measure.type = MeasureType::psychological_counselling;
    m.measure.provider_agency = "fed-511702";
    m.measure.status = S::planned;
    m.recorded_by_agency = "fed-511702";
    return m;
}

const CivilDate kToday{2026, 12, 1};
const Timestamp kNow{};

bool has_pointer(const FieldErrors& errors, const std::string& pointer) {
    for (const auto& e : errors) {
        if (e.pointer == pointer) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("a measure moves planned → in_progress → provided | declined, and no further",
          "[domain][measures]") {
    CHECK(measure_may_move(S::planned, S::in_progress));
    CHECK(measure_may_move(S::planned, S::provided));
    CHECK(measure_may_move(S::planned, S::declined));
    CHECK(measure_may_move(S::in_progress, S::provided));
    CHECK(measure_may_move(S::in_progress, S::declined));
    CHECK_FALSE(measure_may_move(S::in_progress, S::planned));
    CHECK_FALSE(measure_may_move(S::provided, S::declined));
    CHECK_FALSE(measure_may_move(S::declined, S::provided));
    CHECK_FALSE(measure_may_move(S::planned, S::planned));

    auto provided =
        move_measure(planned_counselling(),
                     {S::provided, CivilDate{2026, 11, 28}, "legal-aid-511702"}, kToday, kNow);
    REQUIRE(provided);
    CHECK(provided->measure.status == S::provided);
    CHECK(provided->measure.provider_agency == "legal-aid-511702");
    CHECK(provided->version == 2);
    CHECK(to_json(*provided)["status_on"] == "2026-11-28");

    auto again = move_measure(*provided, {S::declined, kToday, std::nullopt}, kToday, kNow);
    REQUIRE_FALSE(again);
    CHECK(again.error() == MeasureMoveError::not_allowed_now);

    auto future = move_measure(planned_counselling(), {S::provided, CivilDate{2026, 12, 2}, {}},
                               kToday, kNow);
    REQUIRE_FALSE(future);
    CHECK(future.error() == MeasureMoveError::date_in_future);
}

TEST_CASE("a measure update says what it became and when", "[domain][measures]") {
    auto ok = parse_measure_update({{"status", "declined"}, {"on", "2026-11-30"}});
    REQUIRE(ok);
    CHECK(ok->status == S::declined);
    CHECK(ok->on->day == 30u);
    CHECK(parse_measure_update({{"status", "in_progress"}}));

    auto no_date = parse_measure_update({{"status", "provided"}});
    REQUIRE_FALSE(no_date);
    CHECK(has_pointer(no_date.error(), "/on"));
    auto bad = parse_measure_update(
        {{"status", "planned"}, {"on", "2026-02-30"}, {"provider_agency", "Bad Id"}, {"x", 1}});
    REQUIRE_FALSE(bad);
    CHECK(has_pointer(bad.error(), "/status"));
    CHECK(has_pointer(bad.error(), "/on"));
    CHECK(has_pointer(bad.error(), "/provider_agency"));
    CHECK(has_pointer(bad.error(), "/x"));
}

TEST_CASE("a new measure is a measure as at closing, with an optional date", "[domain][measures]") {
    auto ok = parse_new_measure({{"type", "shelter"},
                                 {"provider_agency", "fed-511702"},
                                 {"status", "planned"},
                                 {"status_on", "2026-11-30"}});
    REQUIRE(ok);
    CHECK(ok->measure.type == MeasureType::shelter);
    REQUIRE(ok->status_on);
    auto bad = parse_new_measure(
        {{"type", "shelter"}, {"status", "planned"}, {"amount_cny", 5}, {"status_on", 3}});
    REQUIRE_FALSE(bad);
    CHECK(has_pointer(bad.error(), "/provider_agency"));
    CHECK(has_pointer(bad.error(), "/amount_cny"));
    CHECK(has_pointer(bad.error(), "/status_on"));
    CHECK_FALSE(parse_new_measure(json::array()));
}

TEST_CASE("a note is 1-4000 characters of text, line breaks allowed", "[domain][notes]") {
    auto ok = parse_note({{"text", "今天上门回访，她暂住在姐姐家。\n下周再去。"}});
    REQUIRE(ok);
    CHECK(ok->find("姐姐") != std::string::npos);
    CHECK_FALSE(parse_note({{"text", ""}}));
    CHECK_FALSE(parse_note({{"text", std::string(4001, 'a')}}));
    CHECK_FALSE(parse_note({{"text", std::string("\x01")}}));
    auto extra = parse_note({{"text", "x"}, {"author", "me"}});
    REQUIRE_FALSE(extra);
    CHECK(has_pointer(extra.error(), "/author"));

    TicketNote note{"n-1", "t-1", "fed-511702", "key_fed", std::nullopt, Timestamp{}};
    // A reader who may know that a note exists, not what it says, gets no text member.
    CHECK_FALSE(to_json(note).contains("text"));
    note.text = "x";
    CHECK(to_json(note)["text"] == "x");
}

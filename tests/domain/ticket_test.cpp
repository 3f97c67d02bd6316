#include <map>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/ticket.hpp"

using namespace clue_router::domain;
using nlohmann::json;

namespace {

using S = TicketStatus;
using A = TicketAction;
using P = Party;

constexpr S kStatuses[] = {S::pending, S::accepted, S::rejected, S::in_progress,
                           S::on_hold, S::closed,   S::cancelled};
constexpr A kActions[] = {A::accept, A::reject, A::start, A::hold, A::resume, A::close, A::cancel};
constexpr P kParties[] = {P::sender, P::recipient};
constexpr Outcome kOutcomes[] = {Outcome::assisted,    Outcome::not_eligible,
                                 Outcome::unreachable, Outcome::withdrawn,
                                 Outcome::duplicate,   Outcome::referred_onward};

// The state table of DESIGN §4, written out independently of the implementation:
// (from, action) → (to, who may do it).
const std::map<std::pair<S, A>, std::pair<S, P>> kExpected{
    {{S::pending, A::accept}, {S::accepted, P::recipient}},
    {{S::pending, A::reject}, {S::rejected, P::recipient}},
    {{S::pending, A::cancel}, {S::cancelled, P::sender}},
    {{S::accepted, A::start}, {S::in_progress, P::recipient}},
    {{S::accepted, A::close}, {S::closed, P::recipient}},
    {{S::in_progress, A::hold}, {S::on_hold, P::recipient}},
    {{S::on_hold, A::resume}, {S::in_progress, P::recipient}},
    {{S::in_progress, A::close}, {S::closed, P::recipient}},
    {{S::on_hold, A::close}, {S::closed, P::recipient}},
};

Timestamp at(std::int64_t ms) {
    return Timestamp{std::chrono::milliseconds{ms}};
}

FieldErrors errors_of(const json& body) {
    auto r = parse_transition_request(body);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

bool has_error(const FieldErrors& errors, const std::string& pointer) {
    for (const auto& e : errors) {
        if (e.pointer == pointer) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("ticket vocabularies round-trip", "[domain][ticket]") {
    for (auto s : kStatuses) CHECK(parse_ticket_status(to_string(s)) == s);
    for (auto a : kActions) CHECK(parse_ticket_action(to_string(a)) == a);
    for (auto o : kOutcomes) CHECK(parse_outcome(to_string(o)) == o);
    CHECK(to_string(S::in_progress) == "in_progress");
    CHECK(to_string(S::on_hold) == "on_hold");
    CHECK(to_string(P::recipient) == "recipient");
    CHECK(to_string(Outcome::referred_onward) == "referred_onward");
    CHECK_FALSE(parse_ticket_status("open").has_value());
    CHECK_FALSE(parse_ticket_action("Accept").has_value());
    CHECK_FALSE(parse_outcome("").has_value());
}

TEST_CASE("terminal statuses are rejected, closed and cancelled", "[domain][ticket]") {
    for (auto s : kStatuses) {
        INFO(to_string(s));
        CHECK(is_terminal(s) == (s == S::rejected || s == S::closed || s == S::cancelled));
    }
}

TEST_CASE("transition_table lists exactly the designed rules", "[domain][ticket]") {
    auto table = transition_table();
    REQUIRE(table.size() == kExpected.size());
    std::map<std::pair<S, A>, std::pair<S, P>> actual;
    for (const auto& r : table) {
        // No two rules for the same (from, action): next_status would be ambiguous.
        CHECK(actual.emplace(std::pair{r.from, r.action}, std::pair{r.to, r.actor}).second);
    }
    CHECK(actual == kExpected);
    for (const auto& r : table) CHECK_FALSE(is_terminal(r.from));
}

TEST_CASE("next_status for every status, action and party", "[domain][ticket]") {
    int allowed = 0;
    int wrong_party = 0;
    int not_now = 0;
    for (auto from : kStatuses) {
        for (auto action : kActions) {
            for (auto party : kParties) {
                INFO(to_string(from) << " " << to_string(action) << " by " << to_string(party));
                auto result = next_status(from, action, party);
                auto rule = kExpected.find({from, action});
                if (rule == kExpected.end()) {
                    REQUIRE_FALSE(result.has_value());
                    CHECK(result.error() == TransitionError::not_allowed_now);
                    ++not_now;
                } else if (rule->second.second != party) {
                    REQUIRE_FALSE(result.has_value());
                    CHECK(result.error() == TransitionError::wrong_party);
                    ++wrong_party;
                } else {
                    REQUIRE(result.has_value());
                    CHECK(*result == rule->second.first);
                    ++allowed;
                }
            }
        }
    }
    CHECK(allowed == 9);
    CHECK(wrong_party == 9);
    CHECK(not_now == 7 * 7 * 2 - 18);
}

TEST_CASE("next_status spot checks", "[domain][ticket]") {
    // Named cases, so a change to the table shows up with a readable failure too.
    CHECK(next_status(S::pending, A::accept, P::recipient).value() == S::accepted);
    CHECK(next_status(S::pending, A::accept, P::sender).error() == TransitionError::wrong_party);
    CHECK(next_status(S::pending, A::cancel, P::sender).value() == S::cancelled);
    CHECK(next_status(S::pending, A::cancel, P::recipient).error() == TransitionError::wrong_party);
    // Sender may not cancel once accepted: status reported, not party.
    CHECK(next_status(S::accepted, A::cancel, P::sender).error() ==
          TransitionError::not_allowed_now);
    CHECK(next_status(S::closed, A::close, P::recipient).error() ==
          TransitionError::not_allowed_now);
    CHECK(next_status(S::pending, A::close, P::recipient).error() ==
          TransitionError::not_allowed_now);
    CHECK(next_status(S::on_hold, A::hold, P::recipient).error() ==
          TransitionError::not_allowed_now);
    CHECK(next_status(S::on_hold, A::resume, P::recipient).value() == S::in_progress);
}

TEST_CASE("event types per action", "[domain][ticket]") {
    CHECK(event_type_for(A::accept) == "ticket.accepted");
    CHECK(event_type_for(A::reject) == "ticket.rejected");
    CHECK(event_type_for(A::start) == "ticket.started");
    CHECK(event_type_for(A::hold) == "ticket.on_hold");
    CHECK(event_type_for(A::resume) == "ticket.resumed");
    CHECK(event_type_for(A::close) == "ticket.closed");
    CHECK(event_type_for(A::cancel) == "ticket.cancelled");
}

TEST_CASE("parse_transition_request accepts valid bodies", "[domain][ticket]") {
    SECTION("accept alone") {
        auto r = parse_transition_request({{"action", "accept"}});
        REQUIRE(r.has_value());
        CHECK(r->action == A::accept);
        CHECK_FALSE(r->reason.has_value());
        CHECK_FALSE(r->outcome.has_value());
    }
    SECTION("reject with a reason code and text") {
        auto r = parse_transition_request({{"action", "reject"},
                                           {"reason_code", "wrong_jurisdiction"},
                                           {"reason", "不属于本院管辖"}});
        REQUIRE(r.has_value());
        CHECK(r->action == A::reject);
        CHECK(r->reason_code == ReasonCode::wrong_jurisdiction);
        CHECK(r->reason == std::optional<std::string>("不属于本院管辖"));
    }
    SECTION("reject and hold with a code alone; other needs the text") {
        auto r = parse_transition_request({{"action", "reject"}, {"reason_code", "duplicate"}});
        REQUIRE(r.has_value());
        CHECK(r->reason_code == ReasonCode::duplicate);
        CHECK_FALSE(r->reason);
        CHECK(parse_transition_request({{"action", "hold"}, {"reason_code", "cannot_contact"}})
                  .has_value());
        CHECK(parse_transition_request(
                  {{"action", "hold"}, {"reason_code", "other"}, {"reason", "等待鉴定"}})
                  .has_value());
    }
    SECTION("every reason code of the vocabulary") {
        for (const char* code : {"wrong_jurisdiction", "not_our_remit", "duplicate",
                                 "cannot_contact", "needs_information", "other"}) {
            INFO(code);
            const auto parsed = parse_reason_code(code);
            REQUIRE(parsed);
            CHECK(to_string(*parsed) == code);
        }
    }
    SECTION("close with an outcome") {
        auto r = parse_transition_request({{"action", "close"}, {"outcome", "not_eligible"}});
        REQUIRE(r.has_value());
        CHECK(r->outcome == Outcome::not_eligible);
    }
    SECTION("a note is refused rather than silently dropped") {
        auto r = parse_transition_request({{"action", "accept"}, {"note", "x"}});
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().at(0).pointer == "/note");
    }
    SECTION("cancel and accept with an optional reason, no code") {
        CHECK(parse_transition_request({{"action", "cancel"}}).has_value());
        CHECK(parse_transition_request({{"action", "accept"}, {"reason", "收到"}}).has_value());
    }
    SECTION("2000 code points is the limit, counted in characters not bytes") {
        std::string text;
        for (int i = 0; i < 2000; ++i) text += "字";  // 6000 bytes
        CHECK(parse_transition_request(
                  {{"action", "reject"}, {"reason_code", "other"}, {"reason", text}})
                  .has_value());
    }
}

TEST_CASE("parse_transition_request rejects bad bodies with field pointers", "[domain][ticket]") {
    SECTION("not an object") {
        auto e = errors_of(json::array());
        REQUIRE(e.size() == 1);
        CHECK(e[0].pointer == "");
    }
    SECTION("action missing") {
        auto e = errors_of(json::object());
        REQUIRE(e.size() == 1);
        CHECK(e[0] == FieldError{"/action", "is required"});
    }
    SECTION("action unknown or not a string") {
        CHECK(has_error(errors_of({{"action", "approve"}}), "/action"));
        CHECK(has_error(errors_of({{"action", 1}}), "/action"));
    }
    SECTION("reject or hold without a reason code") {
        for (const char* action : {"reject", "hold"}) {
            auto e = errors_of({{"action", action}, {"reason", "不属于本院管辖"}});
            REQUIRE(e.size() == 1);
            CHECK(e[0].pointer == "/reason_code");
        }
    }
    SECTION("an unknown reason code, a code on another action, other without text") {
        auto unknown = errors_of({{"action", "reject"}, {"reason_code", "busy"}});
        REQUIRE(unknown.size() == 1);
        CHECK(unknown[0].pointer == "/reason_code");
        CHECK(unknown[0].detail.find("needs_information") != std::string::npos);
        CHECK(has_error(errors_of({{"action", "accept"}, {"reason_code", "duplicate"}}),
                        "/reason_code"));
        CHECK(has_error(errors_of({{"action", "reject"}, {"reason_code", "other"}}), "/reason"));
    }
    SECTION("empty, overlong, non-string or invalid UTF-8 reason") {
        CHECK(has_error(errors_of({{"action", "reject"}, {"reason_code", "other"}, {"reason", ""}}),
                        "/reason"));
        CHECK(has_error(errors_of({{"action", "reject"},
                                   {"reason_code", "other"},
                                   {"reason", std::string(2001, 'a')}}),
                        "/reason"));
        CHECK(has_error(errors_of({{"action", "hold"}, {"reason", 5}}), "/reason"));
        CHECK(has_error(errors_of({{"action", "hold"}, {"reason", std::string("\xC0\xAF")}}),
                        "/reason"));
        CHECK(has_error(errors_of({{"action", "hold"}, {"reason", std::string("\xED\xA0\x80")}}),
                        "/reason"));
    }
    SECTION("close without an outcome") {
        auto e = errors_of({{"action", "close"}});
        REQUIRE(e.size() == 1);
        CHECK(e[0].pointer == "/outcome");
    }
    SECTION("unknown outcome") {
        CHECK(has_error(errors_of({{"action", "close"}, {"outcome", "resolved"}}), "/outcome"));
    }
    SECTION("outcome with any other action") {
        for (auto a : kActions) {
            if (a == A::close) continue;
            INFO(to_string(a));
            json body{{"action", to_string(a)}, {"outcome", "assisted"}};
            if (a == A::reject || a == A::hold) {
                body["reason_code"] = "other";
                body["reason"] = "x";
            }
            auto e = errors_of(body);
            REQUIRE(e.size() == 1);
            CHECK(e[0].pointer == "/outcome");
        }
    }
    SECTION("unknown members, with escaped pointers") {
        auto e = errors_of({{"action", "accept"}, {"remarks", json::array()}, {"a/b~", 1}});
        CHECK(has_error(e, "/remarks"));
        CHECK(has_error(e, "/a~1b~0"));
        CHECK(e.size() == 2);
    }
    SECTION("every error at once") {
        auto e = errors_of({{"action", "reject"}, {"note", 1}, {"x", 1}});
        CHECK(has_error(e, "/reason_code"));
        CHECK(has_error(e, "/note"));
        CHECK(has_error(e, "/x"));
        CHECK(e.size() == 3);
    }
}

TEST_CASE("ticket JSON", "[domain][ticket]") {
    Ticket t;
    t.id = "tkt-1";
    t.clue_id = "clue-1";
    t.sender_agency = "hotline-12309-sc";
    t.recipient_agency = "proc-511702";
    t.purpose = "judicial_assistance";
    t.status = S::pending;
    t.priority = Priority::urgent;
    t.version = 3;
    t.created_at = at(0);
    t.updated_at = at(1500);

    auto j = to_json(t);
    CHECK(j == json{{"id", "tkt-1"},
                    {"clue_id", "clue-1"},
                    {"sender_agency", "hotline-12309-sc"},
                    {"recipient_agency", "proc-511702"},
                    {"purpose", "judicial_assistance"},
                    {"status", "pending"},
                    {"priority", "urgent"},
                    {"version", 3},
                    {"created_at", "1970-01-01T00:00:00.000Z"},
                    {"updated_at", "1970-01-01T00:00:01.500Z"},
                    {"assignee", nullptr}});  // always there: nobody took it

    t.status = S::closed;
    t.outcome = Outcome::not_eligible;
    t.case_id = "case-1";
    t.clues = {"clue-1", "clue-2"};
    j = to_json(t);
    CHECK(j["status"] == "closed");
    CHECK(j["outcome"] == "not_eligible");
    CHECK(j["case_id"] == "case-1");
    CHECK(j["clues"] == json::array({"clue-1", "clue-2"}));
    // A reason is its transition's: the ticket carries none.
    CHECK_FALSE(j.contains("reason"));
    // A reader who may not see the clue the ticket was opened for is not given its id.
    t.clue_id.clear();
    CHECK_FALSE(to_json(t).contains("clue_id"));
}

TEST_CASE("ticket event JSON", "[domain][ticket]") {
    TicketEvent e;
    e.sequence = 7;
    e.ticket_id = "tkt-1";
    e.type = "ticket.created";
    e.to_status = "pending";
    e.actor_agency = "hotline-12309-sc";
    e.actor_key = "key-1";
    e.at = at(60'000);
    CHECK(to_json(e) == json{{"sequence", 7},
                             {"ticket_id", "tkt-1"},
                             {"type", "ticket.created"},
                             {"to_status", "pending"},
                             {"actor_agency", "hotline-12309-sc"},
                             {"actor_key", "key-1"},
                             {"at", "1970-01-01T00:01:00.000Z"}});

    e.type = event_type_for(A::close);
    e.from_status = "in_progress";
    e.to_status = "closed";
    e.reason = "done";
    e.reason_code = "other";
    e.outcome = "assisted";
    e.related_clue = "clue-2";
    e.note_id = "note-1";
    e.measure_id = "m-1";
    auto j = to_json(e);
    CHECK(j["from_status"] == "in_progress");
    CHECK(j["reason"] == "done");
    CHECK(j["reason_code"] == "other");
    CHECK(j["related_clue"] == "clue-2");
    CHECK(j["note_id"] == "note-1");
    CHECK(j["measure_id"] == "m-1");
    CHECK(j["outcome"] == "assisted");
    CHECK(j["type"] == "ticket.closed");
}

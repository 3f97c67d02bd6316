// Taking tickets (issue 15): what an assignment request and an inbox filter name, the event an
// assignment writes, and how the ticket, its event, its note and its webhook show the person.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/ticket.hpp"
#include "clue_router/domain/ticket_assignment.hpp"
#include "clue_router/domain/ticket_note.hpp"
#include "clue_router/domain/webhook_event.hpp"

using namespace clue_router::domain;
using nlohmann::json;

namespace {

const std::string kPerson = "psn_0195a1c2-7d4f-7c33-8d2e-1f0a9b8c7d6e";

FieldErrors errors_of(const json& body) {
    auto parsed = parse_assignment_request(body);
    REQUIRE_FALSE(parsed);
    return parsed.error();
}

}  // namespace

TEST_CASE("a person's id is psn_ and a lower-case UUID", "[domain][assignment]") {
    CHECK(is_person_id(kPerson));
    CHECK_FALSE(is_person_id("psn_"));
    CHECK_FALSE(is_person_id("psn_0195A1C2-7D4F-7C33-8D2E-1F0A9B8C7D6E"));
    CHECK_FALSE(is_person_id("key_0195a1c2-7d4f-7c33-8d2e-1f0a9b8c7d6e"));
    CHECK_FALSE(is_person_id("0195a1c2-7d4f-7c33-8d2e-1f0a9b8c7d6e"));
    CHECK_FALSE(is_person_id(kPerson + "0"));
    CHECK_FALSE(is_person_id("psn_0195a1c2x7d4f-7c33-8d2e-1f0a9b8c7d6e"));
}

TEST_CASE("an assignment names me, a person, or nobody", "[domain][assignment]") {
    using Kind = AssigneeRef::Kind;
    CHECK(*parse_assignment_request({{"assignee", "me"}}) == AssigneeRef{Kind::me, {}});
    CHECK(*parse_assignment_request({{"assignee", kPerson}}) == AssigneeRef{Kind::person, kPerson});
    CHECK(*parse_assignment_request({{"assignee", nullptr}}) == AssigneeRef{Kind::nobody, {}});

    // Every fault at once, each at its member; the value is never repeated.
    const auto errors = errors_of({{"assignee", "li.na"}, {"note", "x"}});
    REQUIRE(errors.size() == 2);
    CHECK(errors[0] == FieldError{"/note", "unknown member"});
    CHECK(errors[1].pointer == "/assignee");
    CHECK(errors[1].detail.find("li.na") == std::string::npos);
    for (const json& bad : {json{{"assignee", 7}}, json{{"assignee", "ME"}},
                            json{{"assignee", "none"}}, json{{"assignee", json::object()}}}) {
        INFO(bad.dump());
        const auto e = errors_of(bad);
        REQUIRE(e.size() == 1);
        CHECK(e[0].pointer == "/assignee");
    }
    const auto missing = errors_of(json::object());
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].pointer == "/assignee");
    CHECK(missing[0].detail.rfind("is required", 0) == 0);
    CHECK(errors_of(json::array())[0].pointer.empty());
}

TEST_CASE("an inbox filters by me, none or a person", "[domain][assignment]") {
    using Kind = AssigneeRef::Kind;
    CHECK(*parse_assignee_filter("me") == AssigneeRef{Kind::me, {}});
    CHECK(*parse_assignee_filter("none") == AssigneeRef{Kind::nobody, {}});
    CHECK(*parse_assignee_filter(kPerson) == AssigneeRef{Kind::person, kPerson});
    for (const char* bad : {"", "null", "nobody", "Me", "psn_1", "key_x"}) {
        INFO(bad);
        CHECK_FALSE(parse_assignee_filter(bad));
    }
}

TEST_CASE("an assignment is an event only when the assignee changes", "[domain][assignment]") {
    const std::optional<std::string> nobody;
    const std::optional<std::string> li = kPerson;
    const std::optional<std::string> wang = "psn_0195a1c2-0000-7000-8000-000000000000";
    CHECK(assignment_event_type(nobody, li) == "ticket.assigned");
    CHECK(assignment_event_type(li, wang) == "ticket.assigned");  // handed to a colleague
    CHECK(assignment_event_type(li, nobody) == "ticket.unassigned");
    CHECK_FALSE(assignment_event_type(li, li));
    CHECK_FALSE(assignment_event_type(nobody, nobody));
}

TEST_CASE("a ticket shows its assignee, or null", "[domain][assignment]") {
    Ticket t;
    t.id = "t-1";
    CHECK(to_json(t).contains("assignee"));
    CHECK(to_json(t)["assignee"].is_null());
    t.assignee_person = kPerson;
    t.assignee_name = "李娜";
    CHECK(to_json(t)["assignee"] == json{{"id", kPerson}, {"display_name", "李娜"}});
}

TEST_CASE("an assignment's event and webhook name people by id only, for the recipient",
          "[domain][assignment][webhooks]") {
    TicketEvent e;
    e.ticket_id = "t-1";
    e.type = "ticket.assigned";
    e.to_status = "accepted";
    e.actor_agency = "proc-511702";
    e.actor_key = kPerson;
    e.actor_person = kPerson;
    e.actor_name = "李娜";
    e.assignee = kPerson;
    const json item = to_json(e);
    CHECK(item["assignee"] == kPerson);
    CHECK_FALSE(item.contains("previous_assignee"));
    CHECK(item["actor_person"] == json{{"id", kPerson}, {"display_name", "李娜"}});

    Ticket t;
    t.id = "t-1";
    t.clue_id = "c-1";
    t.sender_agency = "hotline-12309-sc";
    t.recipient_agency = "proc-511702";
    t.assignee_person = kPerson;
    t.assignee_name = "李娜";
    e.previous_assignee = "psn_0195a1c2-0000-7000-8000-000000000000";
    REQUIRE(webhook_type_for_event("ticket.assigned") == "ticket.assigned");
    REQUIRE(webhook_type_for_event("ticket.unassigned") == "ticket.unassigned");
    CHECK(is_webhook_type("ticket.assigned"));
    CHECK(webhook_audience("ticket.assigned") == WebhookAudience::recipient);
    CHECK(webhook_audience("ticket.unassigned") == WebhookAudience::recipient);
    const json payload = ticket_webhook_payload("ticket.assigned", e, t);
    CHECK(payload["data"]["assignee"] == kPerson);
    CHECK(payload["data"]["previous_assignee"] == *e.previous_assignee);
    // Thin: no display name, of the assignee or of the actor.
    CHECK(payload.dump().find("李娜") == std::string::npos);
}

TEST_CASE("a note names the person who wrote it, and a key's note no one",
          "[domain][assignment][notes]") {
    TicketNote note{"n-1", "t-1", "fed-511702", "key_fed", "已联系", Timestamp{}};
    CHECK_FALSE(to_json(note).contains("author_person"));
    note.author_key = kPerson;
    note.author_person = kPerson;
    note.author_name = "王芳";
    CHECK(to_json(note)["author_person"] == json{{"id", kPerson}, {"display_name", "王芳"}});
}

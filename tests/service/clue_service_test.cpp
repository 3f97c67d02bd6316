#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;

TEST_CASE("a submitted clue is stored with its screening, ticket and event in one go",
          "[service][clues]") {
    ServiceFixture f;
    auto result = f.submit(f.hotline, clue_body());
    REQUIRE(result);
    CHECK(result->status == 201);
    CHECK_FALSE(result->replayed);
    const auto body = nlohmann::json::parse(result->body);
    const std::string clue_id = body["clue"]["id"];
    CHECK(result->location == "/v1/clues/" + clue_id);
    CHECK(body["clue"]["status"] == "routed");
    CHECK(body["clue"]["personal_data"] == "masked");
    CHECK(body["clue"]["subject"]["name"] == "王**");
    CHECK(body["clue"]["subject"]["id_number"] == "511702********024X");
    CHECK(body["clue"]["subject"]["phone"] == "+86 138****0001");
    CHECK_FALSE(body["clue"].contains("narrative"));
    CHECK(body["screening"]["key_groups"][0]["group"] == "crime_victim");
    // A violence victim: judicial assistance from the county procuratorate, support from
    // the county federation (config/routing.json).
    REQUIRE(body["tickets"].size() == 2);
    CHECK(body["tickets"][0]["recipient_agency"] == "proc-511702");
    CHECK(body["tickets"][0]["purpose"] == "judicial_assistance");
    CHECK(body["tickets"][0]["status"] == "pending");
    CHECK(body["tickets"][1]["recipient_agency"] == "fed-511702");
    CHECK(body["tickets"][1]["purpose"] == "social_support");

    auto reader = f.store->reader();
    const auto stored = reader->find_clue(clue_id);
    REQUIRE(stored);
    CHECK(stored->clue.subject.id_number == "51170219810312024X");
    CHECK(reader->latest_screening(clue_id));
    const auto tickets = reader->tickets_of_clue(clue_id);
    REQUIRE(tickets.size() == 2);
    for (const auto& t : tickets) {
        const auto history = reader->ticket_history(t.id);
        REQUIRE(history.size() == 1);
        CHECK(history[0].type == "ticket.created");
        CHECK(history[0].actor_key == "key_hotline");
    }
}

TEST_CASE("an invalid clue stores nothing and names every field at fault", "[service][clues]") {
    ServiceFixture f;
    auto body = clue_body();
    body["subject"]["id_number"] = "511702198103120241";
    body["indicators"] = {"domestic_violence", "not_an_indicator"};
    auto result = f.submit(f.hotline, body, "key-1");
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::validation);
    REQUIRE(result.error().errors.size() == 2);
    CHECK(result.error().errors[0].pointer == "/subject/id_number");
    CHECK(result.error().errors[1].pointer == "/indicators/1");
    CHECK(f.store->reader()->find_idempotency("hotline-12309-sc", "key-1") == std::nullopt);
    storage::ReviewQuery all;
    CHECK(f.store->reader()->review_queue(all).empty());
    // Fixing the body and retrying with the same key works: failures are not remembered.
    CHECK(f.submit(f.hotline, clue_body(), "key-1"));
}

TEST_CASE("a clue without consent or without an agency waits for review", "[service][clues]") {
    ServiceFixture f;
    auto no_consent = f.submit(f.hotline, clue_body("A", "511702", false));
    REQUIRE(no_consent);
    auto body = nlohmann::json::parse(no_consent->body);
    CHECK(body["clue"]["status"] == "needs_review");
    CHECK(body["clue"]["review_reason"] == "consent_missing");
    CHECK(body["tickets"].empty());

    auto elsewhere = f.submit(f.hotline, clue_body("B", "110105"));
    REQUIRE(elsewhere);
    body = nlohmann::json::parse(elsewhere->body);
    CHECK(body["clue"]["review_reason"] == "no_agency_for_region");

    auto queue = f.clues.review_queue(f.hotline, std::nullopt, 1);
    REQUIRE(queue);
    REQUIRE(queue->items.size() == 1);
    REQUIRE(queue->next_cursor);
    auto next = f.clues.review_queue(f.hotline, queue->next_cursor, 1);
    REQUIRE(next);
    REQUIRE(next->items.size() == 1);
    CHECK_FALSE(next->next_cursor);
    CHECK(next->items[0]["id"] != queue->items[0]["id"]);
    // Another agency's queue does not show them.
    auto other = f.clues.review_queue(f.procuratorate, std::nullopt, 50);
    REQUIRE(other);
    CHECK(other->items.empty());
}

TEST_CASE("idempotent submissions replay, refuse a changed body, and refuse a race",
          "[service][clues][idempotency]") {
    ServiceFixture f;
    auto first = f.submit(f.hotline, clue_body(), "k1");
    REQUIRE(first);
    auto again = f.submit(f.hotline, clue_body(), "k1");
    REQUIRE(again);
    CHECK(again->replayed);
    CHECK(again->body == first->body);
    CHECK(again->location == first->location);

    auto changed = f.submit(f.hotline, clue_body("OTHER"), "k1");
    REQUIRE_FALSE(changed);
    CHECK(changed.error().kind == ErrorKind::idempotency_key_reused);

    // The same key from another agency is another request.
    Actor platform{"key_platform", "platform-sc", Role::intake};
    auto theirs = f.submit(platform, clue_body(), "k1");
    REQUIRE(theirs);
    CHECK_FALSE(theirs->replayed);

    // Hold the writer so that a first request is still in flight when its retry arrives.
    std::promise<void> release;
    auto released = release.get_future().share();
    f.store->write([released](storage::WriteTransaction&) { released.wait(); },
                   [](std::exception_ptr) {});
    std::promise<Result<SubmittedClue>> first_result;
    f.clues.submit(f.hotline, "k2", clue_body("R2"),
                   [&](Result<SubmittedClue> r) { first_result.set_value(std::move(r)); });
    auto racing = f.submit(f.hotline, clue_body("R2"), "k2");
    REQUIRE_FALSE(racing);
    CHECK(racing.error().kind == ErrorKind::request_in_progress);
    release.set_value();
    auto committed = first_result.get_future().get();
    REQUIRE(committed);
    CHECK_FALSE(committed->replayed);
    auto after = f.submit(f.hotline, clue_body("R2"), "k2");
    REQUIRE(after);
    CHECK(after->replayed);
}

TEST_CASE("clues are visible to the agencies handling them only", "[service][clues][scope]") {
    ServiceFixture f;
    auto submitted = f.submit(f.hotline, clue_body());
    REQUIRE(submitted);
    const std::string id = nlohmann::json::parse(submitted->body)["clue"]["id"];

    auto as_sender = f.clues.get(f.hotline, id);
    REQUIRE(as_sender);
    CHECK((*as_sender)["clue"]["personal_data"] == "masked");
    auto as_recipient = f.reveal(f.procuratorate, id);
    REQUIRE(as_recipient);
    CHECK((*as_recipient)["clue"]["personal_data"] == "clear");
    CHECK((*as_recipient)["clue"]["subject"]["id_number"] == "51170219810312024X");
    CHECK((*as_recipient)["clue"]["narrative"] == "我丈夫经常喝酒后打我");

    auto outsider = f.clues.get(f.other_procuratorate, id);
    REQUIRE_FALSE(outsider);
    CHECK(outsider.error().kind == ErrorKind::not_found);
    outsider = f.reveal(f.other_procuratorate, id);
    REQUIRE_FALSE(outsider);
    CHECK(outsider.error().kind == ErrorKind::not_found);
    auto missing = f.clues.get(f.hotline, "01a20685-0000-7000-8000-000000000000");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::not_found);

    Actor admin{"key_admin", "proc-510000", Role::admin};
    auto as_admin = f.clues.get(admin, id);
    REQUIRE(as_admin);
    CHECK((*as_admin)["clue"]["personal_data"] == "masked");
    auto admin_reveal = f.reveal(admin, id);
    REQUIRE_FALSE(admin_reveal);
    CHECK(admin_reveal.error().kind == ErrorKind::forbidden);
    auto break_glass = f.reveal(admin, id, "court order 2026-17");
    REQUIRE(break_glass);
    CHECK((*break_glass)["clue"]["personal_data"] == "clear");
    CHECK_FALSE(break_glass->contains("party"));

    Actor supervisor{"key_sup", "proc-510000", Role::supervisor};
    auto as_supervisor = f.clues.get(supervisor, id);
    REQUIRE_FALSE(as_supervisor);
    CHECK(as_supervisor.error().kind == ErrorKind::not_found);
    auto supervisor_submits = f.submit(supervisor, clue_body("S"));
    REQUIRE_FALSE(supervisor_submits);
    CHECK(supervisor_submits.error().kind == ErrorKind::forbidden);
}

TEST_CASE("a write the store refuses is 503, keeps nothing, and frees the key for a retry",
          "[service][clues][idempotency]") {
    ServiceFixture f;
    auto before = f.submit(f.hotline, clue_body("BEFORE"));
    REQUIRE(before);
    const auto ticket = ServiceFixture::only_ticket(*before);

    f.store->stop();  // from now on every unit of work fails with a StorageError
    auto refused = f.submit(f.hotline, clue_body("AFTER"), "k-down");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::unavailable);
    // The key is not left "in flight": a retry is refused for the same reason, not as 409.
    auto retried = f.submit(f.hotline, clue_body("AFTER"), "k-down");
    REQUIRE_FALSE(retried);
    CHECK(retried.error().kind == ErrorKind::unavailable);
    CHECK_FALSE(f.store->reader()->find_idempotency("hotline-12309-sc", "k-down"));

    auto moved = f.transition(f.procuratorate, ticket, 1, {{"action", "accept"}});
    REQUIRE_FALSE(moved);
    CHECK(moved.error().kind == ErrorKind::unavailable);
    CHECK(f.store->reader()->find_ticket(ticket)->status == domain::TicketStatus::pending);
}

namespace {

// The real cipher, counting what it opens.
class CountingCipher final : public storage::PersonalDataCipher {
  public:
    explicit CountingCipher(std::shared_ptr<const storage::PersonalDataCipher> inner)
        : inner_(std::move(inner)) {}
    std::string current_key_id() const override { return inner_->current_key_id(); }
    std::string seal(std::string_view plain, std::string_view context) const override {
        return inner_->seal(plain, context);
    }
    std::string open(std::string_view sealed, std::string_view context) const override {
        ++opened;
        return inner_->open(sealed, context);
    }
    std::string key_id_of(std::string_view sealed) const override {
        return inner_->key_id_of(sealed);
    }
    std::string blind_index(std::string_view term) const override {
        return inner_->blind_index(term);
    }
    mutable std::atomic<int> opened{0};

  private:
    std::shared_ptr<const storage::PersonalDataCipher> inner_;
};

}  // namespace

TEST_CASE("hardening 12: scope is checked before anything is decrypted", "[service][hardening]") {
    // "Not yours" answered slower than "does not exist" because the clue was decrypted before
    // the scope check: now nothing is opened for a caller who may not see it.
    storage::test::TempDir dir;
    auto cipher = std::make_shared<CountingCipher>(storage::test::test_keyring());
    auto options = storage::test::options_for(dir);
    options.cipher = cipher;
    auto store = storage::open_sqlite_store(options);
    ManualClock clock{storage::test::at(0)};
    RuntimeConfigHolder config{demo_runtime()};
    ClueService clues{*store, config, clock};
    TicketService tickets{*store, config, clock};
    Actor hotline{"key_hotline", "hotline-12309-sc", Role::intake};
    Actor stranger{"key_other", "proc-510104", Role::staff};
    auto submitted = ServiceFixture::wait_for<SubmittedClue>(
        [&](auto done) { clues.submit(hotline, std::nullopt, clue_body(), std::move(done)); });
    REQUIRE(submitted);
    const auto body = nlohmann::json::parse(submitted->body);
    const std::string id = body["clue"]["id"];
    const std::string ticket = body["tickets"][0]["id"];

    cipher->opened = 0;
    const std::string missing = "01a20685-0000-7000-8000-000000000000";
    for (const auto& clue_id : {id, missing}) {
        auto seen = clues.get(stranger, clue_id);
        REQUIRE_FALSE(seen);
        CHECK(seen.error().kind == ErrorKind::not_found);
        CHECK(seen.error().detail == "no such clue");
        CHECK_FALSE(clues.screenings(stranger, clue_id));
        auto revealed = ServiceFixture::wait_for<nlohmann::json>(
            [&](auto done) { clues.reveal(stranger, clue_id, {}, std::move(done)); });
        CHECK_FALSE(revealed);
    }
    CHECK_FALSE(ServiceFixture::wait_for<nlohmann::json>(
        [&](auto done) { tickets.history(stranger, ticket, std::move(done)); }));
    CHECK(cipher->opened == 0);
    // The counter does count: the sender's own read opens its clue.
    REQUIRE(clues.get(hotline, id));
    CHECK(cipher->opened > 0);
}

TEST_CASE("hardening 8: an agency that rejected a ticket keeps only what it handled, masked",
          "[service][hardening]") {
    ServiceFixture f;
    auto submitted = f.submit(f.hotline, clue_body("H8"));
    REQUIRE(submitted);
    const auto body = nlohmann::json::parse(submitted->body);
    const std::string id = body["clue"]["id"];
    const std::string ticket = ServiceFixture::only_ticket(*submitted);
    REQUIRE(f.reveal(f.procuratorate, id));  // while it handles it

    auto rejected = f.transition(f.procuratorate, ticket, 1,
                                 {{"action", "reject"}, {"reason_code", "wrong_jurisdiction"}});
    REQUIRE(rejected);
    // What it handled, masked: the clue and its own ticket.
    auto masked = f.clues.get(f.procuratorate, id);
    REQUIRE(masked);
    CHECK((*masked)["clue"]["personal_data"] == "masked");
    CHECK(f.tickets.get(f.procuratorate, ticket));
    // No clear read afterwards.
    auto clear = f.reveal(f.procuratorate, id);
    REQUIRE_FALSE(clear);
    CHECK(clear.error().kind == ErrorKind::forbidden);
    // Nothing more: not the ticket it was rerouted to, not the case.
    const auto next = f.store->reader()->tickets_of_clue(id);
    std::string rerouted;
    for (const auto& t : next) {
        if (t.recipient_agency == "proc-511700") rerouted = t.id;
    }
    REQUIRE_FALSE(rerouted.empty());
    CHECK_FALSE(f.tickets.get(f.procuratorate, rerouted));
    CHECK_FALSE(f.cases.get(f.procuratorate, body["case"]["id"]));
}

TEST_CASE("mistakes: the same source.reference twice from one sender is a 409 naming the clue",
          "[service][clues][idempotency]") {
    ServiceFixture f;
    auto first = f.submit(f.hotline, clue_body("12309-20261120-0042"), "key-a");
    REQUIRE(first);
    const std::string id = nlohmann::json::parse(first->body)["clue"]["id"];
    for (const std::optional<std::string>& key :
         {std::optional<std::string>{}, std::optional<std::string>{"key-b"}}) {
        auto again = f.submit(f.hotline, clue_body("12309-20261120-0042"), key);
        REQUIRE_FALSE(again);
        CHECK(again.error().kind == ErrorKind::duplicate_reference);
        CHECK(again.error().existing == "/v1/clues/" + id);
        CHECK(again.error().errors.at(0).pointer == "/source/reference");
    }
    // The first key still replays; another sender may use the same reference.
    auto replay = f.submit(f.hotline, clue_body("12309-20261120-0042"), "key-a");
    REQUIRE(replay);
    CHECK(replay->replayed);
    Actor platform{"key_platform", "platform-sc", Role::intake};
    CHECK(f.submit(platform, clue_body("12309-20261120-0042")));
    CHECK(f.store->reader()->review_queue({std::nullopt, std::nullopt, 50}).empty());
}

TEST_CASE("a person shows personal data with a reason, which the trail keeps sealed",
          "[service][clues][people]") {
    ServiceFixture f;
    auto submitted = f.submit(f.hotline, clue_body());
    REQUIRE(submitted);
    const std::string id = nlohmann::json::parse(submitted->body)["clue"]["id"];
    Actor clerk = f.procuratorate;
    clerk.key_id = "psn_clerk";
    clerk.person_id = "psn_clerk";
    clerk.person_name = "王芳";

    auto without = ServiceFixture::wait_for<nlohmann::json>(
        [&](auto done) { f.clues.reveal(clerk, id, {}, std::move(done)); });
    REQUIRE_FALSE(without);
    CHECK(without.error().kind == ErrorKind::bad_request);
    REQUIRE(without.error().errors.size() == 1);
    CHECK(without.error().errors[0].pointer == "/headers/reveal-reason");
    // A break-glass header is an admin's: it is no reason for a person's read.
    auto break_glass_only = ServiceFixture::wait_for<nlohmann::json>([&](auto done) {
        f.clues.reveal(clerk, id, RevealReasons{"court order", std::nullopt}, std::move(done));
    });
    CHECK_FALSE(break_glass_only);

    auto with = ServiceFixture::wait_for<nlohmann::json>([&](auto done) {
        f.clues.reveal(clerk, id, RevealReasons{std::nullopt, "回电核实住址"}, std::move(done));
    });
    REQUIRE(with);
    CHECK((*with)["clue"]["personal_data"] == "clear");
    const auto rows = f.store->reader()->audit_entries(0, 1000);
    REQUIRE_FALSE(rows.empty());
    const auto& read = rows.back();
    CHECK(read.action == "clue.personal_data_read");
    CHECK(read.actor_person == "psn_clerk");
    REQUIRE(read.detail.contains("reason_id"));
    // The reason itself is not in the chained row.
    CHECK(read.detail.dump().find("回电") == std::string::npos);

    // A system's key needs none.
    CHECK(f.reveal(f.procuratorate, id));
}

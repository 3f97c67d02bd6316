#pragma once
// A service stack over a real SQLite file in a temporary directory, the tests' directory
// (tests/fixtures/directory.json: Sichuan only), the shipped criteria, and a manual clock.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/id_number.hpp"
#include "clue_router/domain/region_list.hpp"
#include "clue_router/service/api_keys.hpp"
#include "clue_router/service/case_invariants.hpp"
#include "clue_router/service/case_service.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/ticket_service.hpp"
#include "clue_router/service/ticket_work.hpp"
#include "clue_router/storage/sqlite_store.hpp"
#include "storage/storage_test_support.hpp"

namespace clue_router::service::test {

inline nlohmann::json read_json(const std::string& relative) {
    std::ifstream in(std::string(CLUE_ROUTER_SOURCE_DIR) + "/" + relative);
    return nlohmann::json::parse(in);
}

inline std::shared_ptr<const RuntimeConfig> demo_runtime() {
    auto directory = domain::Directory::from_json(read_json("tests/fixtures/directory.json"));
    auto criteria = domain::parse_criteria(read_json("config/criteria.json"));
    auto relief = domain::ReliefStandards::from_json(read_json("config/relief-standards.json"));
    auto routing = domain::parse_routing_rules(read_json("config/routing.json"));
    auto deadlines = domain::parse_deadline_policy(read_json("config/deadlines.json"));
    if (!directory || !criteria || !relief || !routing || !deadlines) {
        throw std::runtime_error("demo configuration does not load");
    }
    return std::make_shared<const RuntimeConfig>(
        RuntimeConfig{std::move(*directory), std::move(*criteria), std::move(*relief),
                      std::move(*routing), std::move(*deadlines), nullptr});
}

// A different woman for every reference (ID number and phone derived from it), so that
// clues in a test are not linked as the same person unless the test means them to be.
// "REF-1" is the woman with the well-known sample identifiers.
inline std::pair<std::string, std::string> identifiers_for(const std::string& reference) {
    if (reference == "REF-1") return {"51170219810312024X", "13800130001"};
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (unsigned char c : reference) h = (h ^ c) * 1099511628211ULL;
    char first17[18];
    std::snprintf(first17, sizeof first17, "511702%04d%02d%02d%03d",
                  static_cast<int>(1960 + h % 40), static_cast<int>(1 + (h / 40) % 12),
                  static_cast<int>(1 + (h / 480) % 28), static_cast<int>(2 * ((h / 13440) % 500)));
    const std::string id = std::string(first17) + domain::id_number_check_character(first17);
    char phone[12];
    std::snprintf(phone, sizeof phone, "139%08d", static_cast<int>((h >> 24) % 100000000));
    return {id, phone};
}

// A clue body as a hotline sends it, for region 511702 (a county with its own agencies).
inline nlohmann::json clue_body(const std::string& reference = "REF-1",
                                const std::string& region = "511702", bool consent = true) {
    const auto [id_number, phone] = identifiers_for(reference);
    return {{"source",
             {{"channel", "hotline_12309"},
              {"reference", reference},
              {"received_at", "2026-11-20T09:12:00+08:00"}}},
            {"subject",
             {{"name", "王某"},
              {"id_number", id_number},
              {"phone", phone},
              {"sex", "female"},
              {"region", region},
              {"rural", true}}},
            {"indicators", {"domestic_violence"}},
            {"narrative", "我丈夫经常喝酒后打我"},
            {"reporter", {{"relation", "self"}}},
            {"consent", {{"share_with_partners", consent}}}};
}

struct ServiceFixture {
    storage::test::TempDir dir;
    std::unique_ptr<storage::Store> store = storage::open_sqlite_store(options_for(dir));
    ManualClock clock{storage::test::at(0)};
    RuntimeConfigHolder config{demo_runtime()};
    ClueService clues{*store, config, clock};
    TicketService tickets{*store, config, clock};
    TicketWork work{*store, config, clock};
    CaseService cases{*store};
    ApiKeys keys{*store, clock};

    Actor hotline{"key_hotline", "hotline-12309-sc", Role::intake};
    Actor hotline_12338{"key_12338", "hotline-12338-sc", Role::intake};
    Actor procuratorate{"key_proc", "proc-511702", Role::staff};
    Actor federation{"key_fed", "fed-511702", Role::staff};
    Actor other_procuratorate{"key_other", "proc-510104", Role::staff};
    Actor cli{"cli", "", Role::admin, "cli-test"};

    // Loads the repository's GB/T 2260 code list (config/regions.json), as the service does
    // by default: codes outside it are flagged.
    void load_region_list() {
        auto list = domain::RegionList::from_json(read_json("config/regions.json"));
        if (!list) throw std::runtime_error("config/regions.json does not load");
        config.update([&](RuntimeConfig& c) {
            c.regions = std::make_shared<const domain::RegionList>(std::move(*list));
        });
    }

    // The invariants of cases (service/case_invariants) hold after every change a test makes
    // through the wrappers below: no clue without a ticket, a review entry or an answer, one
    // case per woman.
    void check_invariants() const {
        const auto violations = check_case_invariants(*store);
        std::string lines;
        for (const auto& v : violations) lines += v + "\n";
        INFO(lines);
        CHECK(violations.empty());
    }

    // Runs an asynchronous use case and waits for its completion.
    template <class T, class Call>
    static Result<T> wait_for(Call&& call) {
        std::promise<Result<T>> promise;
        auto future = promise.get_future();
        call([&](Result<T> r) { promise.set_value(std::move(r)); });
        return future.get();
    }

    Result<SubmittedClue> submit(const Actor& actor, const nlohmann::json& body,
                                 std::optional<std::string> key = std::nullopt) {
        auto r = wait_for<SubmittedClue>(
            [&](auto done) { clues.submit(actor, key, body, std::move(done)); });
        check_invariants();
        return r;
    }

    Result<domain::Ticket> transition(const Actor& actor, const std::string& id,
                                      std::optional<std::int64_t> version,
                                      const nlohmann::json& body) {
        auto r = wait_for<domain::Ticket>(
            [&](auto done) { tickets.transition(actor, id, version, body, std::move(done)); });
        check_invariants();
        return r;
    }

    Result<nlohmann::json> link(const Actor& actor, const std::string& from,
                                const std::string& to) {
        auto r = wait_for<nlohmann::json>([&](auto done) {
            clues.link(actor, from, {{"clue_id", to}}, std::move(done));
        });
        check_invariants();
        return r;
    }
    Result<nlohmann::json> unlink(const Actor& actor, const std::string& from,
                                  const std::string& to) {
        auto r = wait_for<nlohmann::json>(
            [&](auto done) { clues.unlink(actor, from, to, std::move(done)); });
        check_invariants();
        return r;
    }
    Result<nlohmann::json> note(const Actor& actor, const std::string& ticket_id,
                                const std::string& text) {
        auto r = wait_for<nlohmann::json>([&](auto done) {
            work.add_note(actor, ticket_id, {{"text", text}}, std::move(done));
        });
        check_invariants();
        return r;
    }
    Result<MeasureReply> add_measure(const Actor& actor, const std::string& ticket_id,
                                     const nlohmann::json& body) {
        auto r = wait_for<MeasureReply>(
            [&](auto done) { work.add_measure(actor, ticket_id, body, std::move(done)); });
        check_invariants();
        return r;
    }
    Result<MeasureReply> move_measure(const Actor& actor, const std::string& ticket_id,
                                      const std::string& measure_id,
                                      std::optional<std::int64_t> version,
                                      const nlohmann::json& body) {
        auto r = wait_for<MeasureReply>([&](auto done) {
            work.update_measure(actor, ticket_id, measure_id, version, body, std::move(done));
        });
        check_invariants();
        return r;
    }

    Result<nlohmann::json> history(const Actor& actor, const std::string& ticket_id) {
        return wait_for<nlohmann::json>(
            [&](auto done) { tickets.history(actor, ticket_id, std::move(done)); });
    }

    Result<nlohmann::json> reveal(const Actor& actor, const std::string& clue_id,
                                  std::optional<std::string> reason = std::nullopt) {
        return wait_for<nlohmann::json>(
            // The one reason given: an admin's break-glass reason, anyone else's Reveal-Reason.
            [&](auto done) {
                clues.reveal(actor, clue_id, RevealReasons{reason, reason}, std::move(done));
            });
    }

    // The id of the judicial-assistance ticket a submission created (a violence victim's
    // clue also gets a social-support ticket to the federation).
    static std::string only_ticket(const SubmittedClue& submitted) {
        return ticket_for(submitted, "judicial_assistance");
    }
    // Since routing opens a ticket per purpose (a violence victim's clue also goes to the
    // women's federation), tests about "the clue's last ticket" first have the sender
    // cancel every other ticket of the clue.
    void cancel_other_tickets(const Actor& sender, const SubmittedClue& submitted,
                              const std::string& keep) {
        const auto body = nlohmann::json::parse(submitted.body);
        for (const auto& t : body["tickets"]) {
            const std::string id = t["id"].get<std::string>();
            if (id == keep) continue;
            if (!transition(sender, id, 1, {{"action", "cancel"}})) {
                throw std::runtime_error("could not cancel a ticket");
            }
        }
    }
    static std::string ticket_for(const SubmittedClue& submitted, const std::string& purpose) {
        const auto body = nlohmann::json::parse(submitted.body);
        std::string id;
        for (const auto& t : body["tickets"]) {
            if (t["purpose"] != purpose) continue;
            if (!id.empty()) throw std::runtime_error("expected one ticket for the purpose");
            id = t["id"].get<std::string>();
        }
        if (id.empty()) throw std::runtime_error("expected a ticket for the purpose");
        return id;
    }
};

}  // namespace clue_router::service::test

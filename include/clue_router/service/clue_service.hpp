#pragma once
// Use cases around clues: submit (validate → screen → route → one durable transaction),
// read one, list the review queue.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "clue_router/service/actor.hpp"
#include "clue_router/service/case_scope.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/service/views.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct ClueServiceOptions {
    // "Today" for age rules is the date where the clue is handled: China Standard Time.
    std::chrono::minutes local_offset{8 * 60};
    // How far ahead of the server's clock a clue's received_at may be (a sender's clock that
    // runs fast); further ahead is refused.
    std::chrono::seconds received_at_future_tolerance{300};
};

// The reply to a submission, exactly as stored for idempotent replays.
struct SubmittedClue {
    int status = 201;
    std::string location;
    std::string body;
    bool replayed = false;
};

struct Page {
    nlohmann::json items = nlohmann::json::array();
    std::optional<std::string> next_cursor;
};

// Why personal data is shown in clear: an admin's emergency (Break-Glass-Reason), or a
// person's reason for her read (Reveal-Reason). Free text, kept sealed.
struct RevealReasons {
    std::optional<std::string> break_glass;
    std::optional<std::string> reveal;
};

class ClueService {
  public:
    ClueService(storage::Store& store, const RuntimeConfigHolder& config, const Clock& clock,
                ClueServiceOptions options = {})
        : store_(store), config_(config), clock_(clock), options_(options) {}

    // idempotency_key: as sent (already checked to be 1-255 visible ASCII by the caller, or
    // nullopt). The completion runs on the storage writer thread or the calling thread.
    void submit(const Actor& actor, std::optional<std::string> idempotency_key,
                const nlohmann::json& body, Completion<SubmittedClue> done);

    // {"clue", "screening", "tickets", "linked_clues", "case"}, personal data masked; 404
    // outside the caller's scope (service/case_scope), decided before anything is decrypted.
    Result<nlohmann::json> get(const Actor& actor, const std::string& clue_id);

    // The same with personal data in clear, for the agencies handling the clue (its sender, or
    // the recipient of a ticket carrying it that it did not reject; intake or staff), or for an
    // admin with a break-glass reason. A person (signed in) gives a reason too; a system's key
    // needs none. Every such read is an audit row (with the reason sealed beside it),
    // committed before the reply is handed over.
    void reveal(const Actor& actor, const std::string& clue_id, RevealReasons reasons,
                Completion<nlohmann::json> done);

    // Every screening of a clue, oldest first; same scope as get().
    Result<nlohmann::json> screenings(const Actor& actor, const std::string& clue_id);

    Result<Page> review_queue(const Actor& actor, std::optional<std::string> cursor, int limit);

    // Same person, by hand: staff of an agency handling both clues link them ({"clue_id"}: their
    // cases become one) or unlink them (the clue leaves the other's case for one of its own),
    // by the rules of service/case_membership. Either clue outside the caller's scope is 404;
    // a closed case is 409. Replies {"clue_id", "case_id", "linked_clues"} after the change.
    void link(const Actor& actor, const std::string& clue_id, const nlohmann::json& body,
              Completion<nlohmann::json> done);
    void unlink(const Actor& actor, const std::string& clue_id, const std::string& other_id,
                Completion<nlohmann::json> done);

  private:
    struct View {
        nlohmann::json body;
        ClueAccess access = ClueAccess::none;
    };
    // The reply for get/reveal, and what the actor may do with the clue. For a clear view the
    // clue is opened only when the actor may read it so (or is an admin).
    Result<View> view(const Actor& actor, const std::string& clue_id, PersonalData mode);

    void change_link(const Actor& actor, const std::string& clue_id, const std::string& other_id,
                     bool add, Completion<nlohmann::json> done);

    bool begin_in_flight(const std::string& slot);
    void end_in_flight(const std::string& slot);

    storage::Store& store_;
    const RuntimeConfigHolder& config_;
    const Clock& clock_;
    ClueServiceOptions options_;
    std::mutex in_flight_mutex_;
    std::unordered_set<std::string> in_flight_;  // "agency\nkey" of requests not yet committed
};

}  // namespace clue_router::service

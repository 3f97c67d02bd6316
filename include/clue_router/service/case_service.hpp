#pragma once
// GET /v1/cases/{id}: one woman's case as a whole, as far as the reader may see it
// (service/case_scope): its status and priority, its screening (the merge of the screenings of
// the clues the reader sees), its clues (clear columns only: nothing is decrypted), and its
// tickets side by side — recipient, purpose, status, deadlines, outcome, measures and status
// history.
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/service/actor.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

class CaseService {
  public:
    explicit CaseService(storage::Store& store) : store_(store) {}

    Result<nlohmann::json> get(const Actor& actor, const std::string& case_id);

  private:
    storage::Store& store_;
};

}  // namespace clue_router::service

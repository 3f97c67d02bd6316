#pragma once
// One content per criteria version. Every screening names the version of the criteria that
// made it, and re-screening skips the clues already screened under the current version; a
// criteria file changed under the same version string would therefore reach no open clue,
// and stored screenings would name rules they were not made with. So the content each
// version string was first used with is kept (storage: criteria_versions, the SHA-256 of the
// document in canonical form), and criteria whose content differs from what their version
// first named are refused — at start, on SIGHUP and on POST /v1/admin/criteria/reload, and
// across restarts, since the record lives in the database with the screenings.
#include <stdexcept>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/time.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

// SHA-256 (lower-case hex) of the document as nlohmann's dump() writes it: members in key
// order, no whitespace. Reformatting or reordering a file is not a change; any value is.
std::string criteria_sha256(const nlohmann::json& document);

class CriteriaVersionConflict : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Inside a unit of work: a version not seen before is recorded with its content and an audit
// row (criteria.first_used, actor system); a version seen with the same content is accepted
// as it is; a version seen with other content throws CriteriaVersionConflict, saying when it
// was first used and what to do.
void record_criteria_version(storage::WriteTransaction& tx, const std::string& version,
                             const std::string& content_sha256, domain::Timestamp now);

}  // namespace clue_router::service

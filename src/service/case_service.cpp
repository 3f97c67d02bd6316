#include "clue_router/service/case_service.hpp"

#include "clue_router/domain/case.hpp"
#include "clue_router/service/case_scope.hpp"
#include "clue_router/service/ticket_views.hpp"

namespace clue_router::service {

namespace {

nlohmann::json clue_summary(const storage::CaseClue& c) {
    nlohmann::json j{{"id", c.id},
                     {"status", storage::to_string(c.status)},
                     {"priority", domain::to_string(c.priority)},
                     {"sender_agency", c.sender_agency},
                     {"channel", c.channel},
                     {"region", c.region},
                     {"received_at", domain::format_rfc3339(c.received_at)},
                     {"created_at", domain::format_rfc3339(c.created_at)}};
    if (c.review_reason) j["review_reason"] = *c.review_reason;
    if (c.purged) j["personal_data"] = "purged";
    return j;
}

// The merge of the latest screenings of the clues the reader sees, at least as high as the
// case's own priority (which a clue the reader does not see may have raised).
nlohmann::json merged_screening(storage::Reader& reader,
                                const std::vector<storage::CaseClue>& clues,
                                domain::Priority case_priority) {
    std::optional<domain::Screening> merged;
    for (const auto& c : clues) {
        const auto stored = reader.latest_screening(c.id);
        if (!stored) continue;
        try {
            auto s = domain::screening_from_json(stored->result);
            merged = merged ? domain::merge_screenings(std::move(*merged), s) : std::move(s);
        } catch (const std::invalid_argument&) {
            throw storage::StorageError("a stored screening does not parse");
        }
    }
    if (!merged) return nullptr;
    merged->priority = domain::higher(merged->priority, case_priority);
    return domain::to_json(*merged);
}

}  // namespace

Result<nlohmann::json> CaseService::get(const Actor& actor, const std::string& case_id) {
    try {
        auto reader = store_.reader();
        auto scoped = scope_of_case(*reader, actor, case_id);
        if (!scoped) return domain::unexpected(scoped.error());
        const auto& facts = (*scoped)->facts;
        const auto& scope = *(*scoped)->scope;
        const auto& record = facts.record;
        nlohmann::json view{{"id", record.id},
                            {"status", domain::to_string(record.status)},
                            {"priority", domain::to_string(record.priority)},
                            {"created_at", domain::format_rfc3339(record.created_at)}};
        if (record.closed_at) view["closed_at"] = domain::format_rfc3339(*record.closed_at);
        const auto clues = scope.visible_clues();
        view["screening"] = merged_screening(*reader, clues, record.priority);
        view["clues"] = nlohmann::json::array();
        for (const auto& c : clues) view["clues"].push_back(clue_summary(c));
        view["tickets"] = nlohmann::json::array();
        for (const auto& t : facts.tickets) {
            if (!scope.sees_ticket(t)) continue;
            nlohmann::json item = domain::to_json(full_view(*reader, **scoped, t.id));
            item["status_history"] = status_history(reader->ticket_history(t.id));
            view["tickets"].push_back(std::move(item));
        }
        return view;
    } catch (const storage::StorageError&) {
        return domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable"));
    }
}

}  // namespace clue_router::service

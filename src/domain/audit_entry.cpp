#include "clue_router/domain/audit_entry.hpp"

namespace clue_router::domain {

std::string canonical_form(const AuditEntry& e) {
    // An array, not an object: positions are fixed, so no field can be renamed or moved
    // without changing the bytes. nlohmann::json sorts object members, so `detail` is
    // canonical too.
    nlohmann::json doc = nlohmann::json::array({e.seq, format_rfc3339(e.at), e.request_id,
                                                e.actor_key, e.actor_agency, e.actor_role, e.action,
                                                e.record_type, e.record_id, e.detail, e.prev_hash});
    // The person came later (issue 15): appended only when there is one, so every row
    // written before keeps the bytes, and so the hash, it was written with.
    if (!e.actor_person.empty() || !e.actor_name.empty()) {
        doc.push_back(e.actor_person);
        doc.push_back(e.actor_name);
    }
    return doc.dump();
}

std::optional<std::string> audit_link_problem(const AuditEntry& entry, std::int64_t expected_seq,
                                              const std::string& expected_prev,
                                              const std::string& recomputed_hash) {
    if (entry.seq != expected_seq) {
        return entry.seq > expected_seq
                   ? "row " + std::to_string(expected_seq) + " is missing (next row is " +
                         std::to_string(entry.seq) + ")"
                   : "row " + std::to_string(entry.seq) + " is out of order";
    }
    if (entry.prev_hash != expected_prev) {
        return "row " + std::to_string(entry.seq) +
               " does not follow the row before it (rows removed or reordered)";
    }
    if (entry.hash != recomputed_hash) {
        return "row " + std::to_string(entry.seq) + " was changed after it was written";
    }
    return std::nullopt;
}

nlohmann::json to_json(const AuditEntry& e) {
    nlohmann::json actor = {
        {"key_id", e.actor_key}, {"agency", e.actor_agency}, {"role", e.actor_role}};
    if (!e.actor_person.empty()) {
        actor["person"] = {{"id", e.actor_person}, {"display_name", e.actor_name}};
    }
    return {{"seq", e.seq},
            {"at", format_rfc3339(e.at)},
            {"request_id", e.request_id},
            {"actor", actor},
            {"action", e.action},
            {"record", {{"type", e.record_type}, {"id", e.record_id}}},
            {"detail", e.detail},
            {"prev_hash", e.prev_hash},
            {"hash", e.hash}};
}

}  // namespace clue_router::domain

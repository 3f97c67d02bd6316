#include "clue_router/service/ticket_work.hpp"

#include <algorithm>
#include <memory>

#include "clue_router/domain/relief_standard.hpp"
#include "clue_router/domain/ticket_note.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/case_scope.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/unit_of_work.hpp"

namespace clue_router::service {

namespace {

enum class Work { note, measure };

// The ticket, when the actor may record work on it (see ticket_work.hpp): 404 outside the
// case's scope, 403 for a role or an agency that does not work it, 409 for a ticket that is
// not taken or was not handled.
Result<std::unique_ptr<ScopedCase>> workable(storage::WriteTransaction& tx, const Actor& actor,
                                             const std::string& ticket_id, Work work) {
    auto scoped = scope_of_ticket(tx, actor, ticket_id);
    if (!scoped) return scoped;
    const auto& t = ticket_in((*scoped)->facts, ticket_id);
    if (actor.role != Role::staff) {
        return domain::unexpected(
            error(ErrorKind::forbidden, "only staff keys record work on a ticket"));
    }
    const bool recipient = t.recipient_agency == actor.agency_id;
    const bool working_sender =
        work == Work::note && t.sender_agency == actor.agency_id && (*scoped)->scope->handler();
    if (!recipient && !working_sender) {
        return domain::unexpected(error(ErrorKind::forbidden,
                                        "only the agency working a ticket records work on it; the "
                                        "agencies of the case read it"));
    }
    using S = domain::TicketStatus;
    if (t.status == S::pending || t.status == S::rejected || t.status == S::cancelled) {
        return domain::unexpected(error(
            ErrorKind::conflict, "a ticket that is " + std::string(domain::to_string(t.status)) +
                                     " takes no notes or measures"));
    }
    return scoped;
}

void work_event(storage::WriteTransaction& tx, const Actor& actor, const domain::Ticket& t,
                const char* type, domain::Timestamp now, std::optional<std::string> note_id,
                std::optional<std::string> measure_id) {
    domain::TicketEvent e;
    e.ticket_id = t.id;
    e.type = type;
    e.to_status = std::string(domain::to_string(t.status));
    stamp_actor(e, actor);
    e.note_id = std::move(note_id);
    e.measure_id = std::move(measure_id);
    e.at = now;
    tx.append_event(e);
}

// A new judicial-assistance amount keeps the ticket's amounts together within the cap of
// the subject's province (or is justified).
std::optional<ServiceError> check_cap(storage::WriteTransaction& tx, const ScopedCase& scoped,
                                      const domain::Ticket& t, const domain::AidMeasure& added,
                                      const RuntimeConfig& config) {
    if (added.type != domain::MeasureType::judicial_assistance_fund) return std::nullopt;
    std::vector<domain::AidMeasure> all{added};
    for (const auto& m : tx.measures_of(t.id)) all.push_back(m.measure);
    const auto clue = std::find_if(scoped.facts.clues.begin(), scoped.facts.clues.end(),
                                   [&](const auto& c) { return c.id == t.clue_id; });
    if (clue == scoped.facts.clues.end()) throw storage::StorageError("a ticket's clue is missing");
    auto errors = domain::check_relief_cap(all, clue->region, config.relief, "");
    if (errors.empty()) return std::nullopt;
    for (auto& e : errors) e.pointer = "/amount_cny";
    return error(ErrorKind::validation, "the judicial assistance is above the regional cap",
                 std::move(errors));
}

}  // namespace

void TicketWork::add_note(const Actor& actor, const std::string& ticket_id,
                          const nlohmann::json& body, Completion<nlohmann::json> done) {
    auto text = domain::parse_note(body);
    if (!text) {
        return done(domain::unexpected(
            error(ErrorKind::validation, "the note is not valid", std::move(text.error()))));
    }
    const auto now = clock_.now();
    write_decision<nlohmann::json>(
        store_,
        [=, text = std::move(*text)](storage::WriteTransaction& tx) -> Result<nlohmann::json> {
            auto scoped = workable(tx, actor, ticket_id, Work::note);
            if (!scoped) return domain::unexpected(scoped.error());
            const auto& t = ticket_in((*scoped)->facts, ticket_id);
            domain::TicketNote note{new_uuid_v7(now), t.id, actor.agency_id,
                                    actor.key_id,     text, now};
            if (actor.is_person()) {
                note.author_person = actor.person_id;
                note.author_name = actor.person_name;
            }
            tx.insert_note(note);
            work_event(tx, actor, t, "ticket.note_added", now, note.id, std::nullopt);
            // The text is not audited: it may name her. The row says a note was written.
            append_audit(tx, actor, now,
                         {"ticket.note_added", "ticket", t.id, {{"note", note.id}}});
            return domain::to_json(note);
        },
        std::move(done));
}

void TicketWork::add_measure(const Actor& actor, const std::string& ticket_id,
                             const nlohmann::json& body, Completion<MeasureReply> done) {
    auto parsed = domain::parse_new_measure(body);
    if (!parsed) {
        return done(domain::unexpected(
            error(ErrorKind::validation, "the measure is not valid", std::move(parsed.error()))));
    }
    const auto now = clock_.now();
    const auto config = config_.get();
    write_decision<MeasureReply>(
        store_,
        [=, m = std::move(*parsed)](storage::WriteTransaction& tx) -> Result<MeasureReply> {
            auto scoped = workable(tx, actor, ticket_id, Work::measure);
            if (!scoped) return domain::unexpected(scoped.error());
            const auto& t = ticket_in((*scoped)->facts, ticket_id);
            if (auto problem = check_cap(tx, **scoped, t, m.measure, *config)) {
                return domain::unexpected(std::move(*problem));
            }
            const domain::RecordedMeasure recorded{
                new_uuid_v7(now), t.id, m.measure, m.status_on, 1, actor.agency_id, now, now};
            tx.insert_measure(recorded);
            work_event(tx, actor, t, "ticket.measure_added", now, std::nullopt, recorded.id);
            append_audit(tx, actor, now,
                         {"ticket.measure_added",
                          "ticket",
                          t.id,
                          {{"measure", recorded.id},
                           {"type", domain::to_string(m.measure.type)},
                           {"status", domain::to_string(m.measure.status)}}});
            return MeasureReply{domain::to_json(recorded), recorded.version};
        },
        std::move(done));
}

void TicketWork::update_measure(const Actor& actor, const std::string& ticket_id,
                                const std::string& measure_id, std::optional<std::int64_t> if_match,
                                const nlohmann::json& body, Completion<MeasureReply> done) {
    auto update = domain::parse_measure_update(body);
    if (!update) {
        return done(domain::unexpected(
            error(ErrorKind::validation, "the update is not valid", std::move(update.error()))));
    }
    if (!if_match) {
        return done(domain::unexpected(
            error(ErrorKind::precondition_required,
                  "send If-Match with the measure's ETag, so that a change made meanwhile by "
                  "someone else is not overwritten")));
    }
    const auto now = clock_.now();
    const auto today = domain::civil_date_of(now + options_.local_offset);
    write_decision<MeasureReply>(
        store_,
        [=, u = std::move(*update),
         expected = *if_match](storage::WriteTransaction& tx) -> Result<MeasureReply> {
            auto scoped = workable(tx, actor, ticket_id, Work::measure);
            if (!scoped) return domain::unexpected(scoped.error());
            const auto& t = ticket_in((*scoped)->facts, ticket_id);
            auto current = tx.find_measure(measure_id);
            if (!current || current->ticket_id != t.id) {
                return domain::unexpected(error(ErrorKind::not_found, "no such measure"));
            }
            if (current->version != expected) {
                ServiceError e = error(ErrorKind::precondition_failed,
                                       "the measure changed since you read it; read it again");
                e.current_version = current->version;
                return domain::unexpected(std::move(e));
            }
            const auto from = current->measure.status;
            auto moved = domain::move_measure(std::move(*current), u, today, now);
            if (!moved && moved.error() == domain::MeasureMoveError::not_allowed_now) {
                return domain::unexpected(
                    error(ErrorKind::conflict,
                          "a measure that is " + std::string(domain::to_string(from)) +
                              " cannot become " + std::string(domain::to_string(u.status))));
            }
            if (!moved) {
                return domain::unexpected(error(ErrorKind::validation, "the update is not valid",
                                                {{"/on", "must not be after today"}}));
            }
            if (!tx.update_measure(*moved, expected)) {
                throw storage::StorageError("a measure changed inside its own unit of work");
            }
            work_event(tx, actor, t, "ticket.measure_updated", now, std::nullopt, moved->id);
            append_audit(tx, actor, now,
                         {"ticket.measure_updated",
                          "ticket",
                          t.id,
                          {{"measure", moved->id},
                           {"from", domain::to_string(from)},
                           {"to", domain::to_string(moved->measure.status)},
                           {"version", moved->version}}});
            return MeasureReply{domain::to_json(*moved), moved->version};
        },
        std::move(done));
}

}  // namespace clue_router::service

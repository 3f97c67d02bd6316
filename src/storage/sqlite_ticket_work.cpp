#include "clue_router/storage/sqlite_ticket_work.hpp"

#include <nlohmann/json.hpp>

#include "clue_router/storage/sqlite_sealed_texts.hpp"
#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_ticket_work {

namespace {

using sqlite::Connection;
using sqlite::Statement;

constexpr std::string_view kNotes = "ticket_notes";
constexpr std::string_view kEvents = "ticket_events";

#define MEASURE_COLUMNS                                                                 \
    "id, ticket_id, measure_json, status_on, version, recorded_by_agency, created_at, " \
    "updated_at"

domain::RecordedMeasure measure_row(const Statement& s) {
    domain::RecordedMeasure m;
    m.id = s.text(0);
    m.ticket_id = s.text(1);
    const auto doc = nlohmann::json::parse(s.text(2), nullptr, false);
    try {
        m.measure = domain::measures_from_json(nlohmann::json::array({doc})).at(0);
    } catch (const std::exception&) {
        throw StorageError("stored ticket_measures.measure_json does not parse");
    }
    if (auto on = s.optional_text(3)) {
        m.status_on = domain::parse_measure_date(*on);
        if (!m.status_on) throw StorageError("stored ticket_measures.status_on is not a date");
    }
    m.version = s.int64(4);
    m.recorded_by_agency = s.text(5);
    m.created_at = time_column(s, 6, "ticket_measures.created_at");
    m.updated_at = time_column(s, 7, "ticket_measures.updated_at");
    return m;
}

std::optional<std::string> date_text(const std::optional<domain::CivilDate>& d) {
    if (!d) return std::nullopt;
    return domain::format_measure_date(*d);
}

}  // namespace

void insert_note(Connection& c, const PersonalDataCipher* cipher, const domain::TicketNote& note) {
    if (cipher == nullptr) {
        throw StorageError("no data key is configured; a note is never stored in clear");
    }
    auto q = c.query(
        "INSERT INTO ticket_notes (id, ticket_id, author_agency, author_key, text, created_at, "
        "author_person, author_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q->bind_all(note.id, note.ticket_id, note.author_agency, note.author_key,
                sqlite_sealed_texts::seal(note.text.value_or(""), kNotes, note.id, "text", cipher),
                time_text(note.created_at), note.author_person, note.author_name);
    q->run();
}

std::vector<domain::TicketNote> notes_of(Connection& c, const PersonalDataCipher* cipher,
                                         const std::string& ticket_id) {
    auto q = c.query(
        "SELECT id, ticket_id, author_agency, author_key, text, created_at, author_person, "
        "author_name FROM ticket_notes WHERE ticket_id = ? ORDER BY rowid");
    q->bind_all(ticket_id);
    std::vector<domain::TicketNote> out;
    while (q->step()) {
        domain::TicketNote n;
        n.id = q->text(0);
        n.ticket_id = q->text(1);
        n.author_agency = q->text(2);
        n.author_key = q->text(3);
        n.text =
            sqlite_sealed_texts::open_optional(q->optional_text(4), kNotes, n.id, "text", cipher);
        n.created_at = time_column(*q, 5, "ticket_notes.created_at");
        n.author_person = q->optional_text(6);
        n.author_name = q->optional_text(7);
        out.push_back(std::move(n));
    }
    return out;
}

void insert_measure(Connection& c, const domain::RecordedMeasure& m) {
    auto q = c.query("INSERT INTO ticket_measures (" MEASURE_COLUMNS
                     ", type, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q->bind_all(m.id, m.ticket_id, domain::to_json(m.measure).dump(), date_text(m.status_on),
                m.version, m.recorded_by_agency, time_text(m.created_at), time_text(m.updated_at),
                domain::to_string(m.measure.type), domain::to_string(m.measure.status));
    q->run();
}

std::optional<domain::RecordedMeasure> find_measure(Connection& c, const std::string& id) {
    auto q = c.query("SELECT " MEASURE_COLUMNS " FROM ticket_measures WHERE id = ?");
    q->bind_all(id);
    if (!q->step()) return std::nullopt;
    return measure_row(*q);
}

std::vector<domain::RecordedMeasure> measures_of(Connection& c, const std::string& ticket_id) {
    auto q = c.query("SELECT " MEASURE_COLUMNS
                     " FROM ticket_measures WHERE ticket_id = ? ORDER BY rowid");
    q->bind_all(ticket_id);
    std::vector<domain::RecordedMeasure> out;
    while (q->step()) out.push_back(measure_row(*q));
    return out;
}

bool update_measure(Connection& c, const domain::RecordedMeasure& m,
                    std::int64_t expected_version) {
    if (m.version != expected_version + 1) {
        throw std::logic_error("update_measure: version must be expected_version + 1");
    }
    auto q = c.query(
        "UPDATE ticket_measures SET measure_json = ?, status = ?, status_on = ?, version = ?, "
        "updated_at = ? WHERE id = ? AND version = ?");
    q->bind_all(domain::to_json(m.measure).dump(), domain::to_string(m.measure.status),
                date_text(m.status_on), m.version, time_text(m.updated_at), m.id, expected_version);
    q->run();
    return c.changes() == 1;
}

void seal_event_reason(Connection& c, const PersonalDataCipher* cipher, std::int64_t sequence,
                       const std::string& reason) {
    const std::string row = std::to_string(sequence);
    auto q = c.query("UPDATE ticket_events SET reason = ? WHERE sequence = ?");
    q->bind_all(sqlite_sealed_texts::seal(reason, kEvents, row, "reason", cipher), sequence);
    q->run();
}

std::string open_event_reason(const PersonalDataCipher* cipher, std::int64_t sequence,
                              const std::string& stored) {
    return sqlite_sealed_texts::open(stored, kEvents, std::to_string(sequence), "reason", cipher);
}

void purge_texts_of_clue(Connection& c, const std::string& clue_id, Timestamp at) {
    {
        auto q = c.query(
            "UPDATE ticket_notes SET text = NULL, purged_at = ? "
            "WHERE purged_at IS NULL AND ticket_id IN (SELECT id FROM tickets WHERE clue_id = ?)");
        q->bind_all(time_text(at), clue_id);
        q->run();
    }
    auto q = c.query(
        "UPDATE ticket_events SET reason = NULL "
        "WHERE reason IS NOT NULL AND ticket_id IN (SELECT id FROM tickets WHERE clue_id = ?)");
    q->bind_all(clue_id);
    q->run();
}

}  // namespace clue_router::storage::sqlite_ticket_work

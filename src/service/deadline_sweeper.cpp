#include "clue_router/service/deadline_sweeper.hpp"

#include <memory>

#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/ticket_routing.hpp"

namespace clue_router::service {
namespace {

constexpr int kPageSize = 200;

struct SweepRun {
    Actor by;
    std::shared_ptr<const RuntimeConfig> config;
    domain::Timestamp now;
    SweepSummary summary;
    bool last_page = false;
    Completion<SweepSummary> done;
};

void mark(storage::WriteTransaction& tx, domain::Ticket ticket, const RuntimeConfig& config,
          const Actor& by, domain::Timestamp now, SweepSummary& summary) {
    const bool accepting = ticket.status == domain::TicketStatus::pending;
    const std::int64_t expected = ticket.version;
    ticket.overdue = accepting ? "accept" : "close";
    ticket.overdue_since = now;
    ticket.version = expected + 1;
    ticket.updated_at = now;
    const auto* recipient = config.directory.find(ticket.recipient_agency);
    std::optional<std::string> parent;
    if (recipient && recipient->parent) parent = recipient->parent;
    if (parent) ticket.escalated_to = parent;
    // Selected in this very unit of work on the one writer connection: the version cannot
    // have moved since, so a failure here is a broken store, not a race.
    if (!tx.update_ticket(ticket, expected)) {
        throw storage::StorageError("a due ticket changed during the sweep");
    }
    const std::string status(domain::to_string(ticket.status));
    domain::TicketEvent event;
    event.ticket_id = ticket.id;
    event.from_status = status;
    event.to_status = status;
    event.actor_agency = std::string(kSystemActor);
    event.actor_key = std::string(kSystemActor);
    event.at = now;
    event.type = "ticket.overdue";
    event.reason = accepting ? "the deadline to accept passed" : "the deadline to close passed";
    tx.append_event(event);
    append_audit(tx, by, now,
                 {"ticket.overdue",
                  "ticket",
                  ticket.id,
                  {{"deadline", *ticket.overdue}, {"version", ticket.version}}});
    ++summary.overdue;
    if (parent) {
        event.type = "ticket.escalated";
        event.reason = "escalated to the recipient's parent agency";
        event.related_agency = parent;
        tx.append_event(event);
        append_audit(tx, by, now, {"ticket.escalated", "ticket", ticket.id, {{"to", *parent}}});
        ++summary.escalated;
    }
}

void sweep_page(storage::Store& store, std::shared_ptr<SweepRun> run) {
    store.write(
        [run](storage::WriteTransaction& tx) {
            // Marked tickets leave the due set, so each page starts from the beginning.
            const auto due = tx.due_tickets(run->now, kPageSize);
            run->last_page = static_cast<int>(due.size()) < kPageSize;
            for (const auto& ticket : due) {
                mark(tx, ticket, *run->config, run->by, run->now, run->summary);
            }
        },
        [&store, run](std::exception_ptr failure) {
            if (failure) {
                run->done(domain::unexpected(
                    error(ErrorKind::unavailable, "the sweep stopped after " +
                                                      std::to_string(run->summary.overdue) +
                                                      " tickets; the next sweep finishes it")));
            } else if (run->last_page) {
                run->done(run->summary);
            } else {
                sweep_page(store, run);
            }
        });
}

}  // namespace

void DeadlineSweeper::sweep(Completion<SweepSummary> done) {
    sweep(system_actor("sweep", clock_.now()), std::move(done));
}

void DeadlineSweeper::sweep(const Actor& by, Completion<SweepSummary> done) {
    auto run = std::make_shared<SweepRun>();
    run->by = by;
    run->config = config_.get();
    run->now = clock_.now();
    run->done = std::move(done);
    sweep_page(store_, std::move(run));
}

}  // namespace clue_router::service

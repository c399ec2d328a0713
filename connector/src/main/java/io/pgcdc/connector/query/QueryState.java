package io.pgcdc.connector.query;

import java.time.Instant;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * One query's place in its schedule and in its rows: the next fire time, and the position after the
 * last row handed to Connect (the start for the next run).
 */
final class QueryState {
  final QuerySpec spec;
  private Instant nextFire;
  private QueryOffset position;
  private Instant retryFire;
  private Instant retryAt;

  private QueryState(QuerySpec spec, Instant nextFire, QueryOffset position) {
    this.spec = spec;
    this.nextFire = nextFire;
    this.position = position;
  }

  /**
   * From the committed offset ({@code null}: the query never ran): an unfinished run is run again
   * at its fire time (going on after its last row in the incremental modes); after a finished one
   * the schedule goes on.
   *
   * @throws ConnectException when the offset belongs to another text, mode or columns of the query
   */
  static QueryState resume(QuerySpec spec, QueryOffset offset, Instant now) {
    if (offset == null) {
      return new QueryState(spec, spec.schedule().first(now), null);
    }
    if (offset.fingerprint() != null && !offset.fingerprint().equals(spec.fingerprint())) {
      throw new ConnectException(
          "Query "
              + spec.name()
              + " has changed (its SQL, mode or columns) since its offset was written, so where"
              + " it stopped means nothing for it now. To start it over, stop the connector and"
              + " reset its offsets (PUT /connectors/NAME/stop, then DELETE"
              + " /connectors/NAME/offsets), or give the changed query a new name");
    }
    if (offset.fireMillis() == null) {
      return new QueryState(spec, spec.schedule().first(now), offset); // a position a user gave
    }
    Instant fire = Instant.ofEpochMilli(offset.fireMillis());
    return new QueryState(spec, offset.done() ? spec.schedule().next(fire) : fire, offset);
  }

  /** When the next run is due: a retry's time, or the next fire time. */
  Instant due() {
    return retryAt != null ? retryAt : nextFire;
  }

  QueryOffset position() {
    return position;
  }

  /** The position after the last row handed to Connect. */
  void advance(QueryOffset to) {
    this.position = to;
  }

  /**
   * The fire time of the run to start now that it is due: a failed run's own; otherwise with {@code
   * skip} the last of the fire times that have passed, with {@code catch_up} the first. Moves the
   * schedule past it.
   */
  Instant take(Instant now) {
    if (retryFire != null) {
      Instant fire = retryFire;
      retryFire = null;
      retryAt = null;
      return fire;
    }
    Instant fire = spec.misfire() == QuerySpec.Misfire.SKIP ? lastDue(nextFire, now) : nextFire;
    Instant next = spec.schedule().next(fire);
    nextFire = next == null ? Instant.MAX : next;
    return fire;
  }

  private Instant lastDue(Instant first, Instant now) {
    if (spec.schedule() instanceof Schedule.Every every) {
      long step = every.interval().toMillis();
      long behind = now.toEpochMilli() - first.toEpochMilli();
      return behind <= 0 ? first : first.plusMillis(behind / step * step);
    }
    Instant fire = first;
    Instant n = spec.schedule().next(fire);
    while (n != null && !n.isAfter(now)) {
      fire = n;
      n = spec.schedule().next(fire);
    }
    return fire;
  }

  /** After a failed run: the same fire time again at {@code at}. */
  void failed(Instant fire, Instant at) {
    retryFire = fire;
    retryAt = at;
  }
}

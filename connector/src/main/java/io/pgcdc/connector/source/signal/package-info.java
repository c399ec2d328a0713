/**
 * Signals to a running CDC source: copy tables again (all rows or those matching a condition), stop
 * such copies, pause and resume them. A signal is a non-transactional logical decoding message
 * written by the connector's signal function ({@link SignalFunction}), which only the connector's
 * user and the roles of {@code signal.roles} may execute; it carries an HMAC made with a key only
 * the connector's user can read, so a message anyone else writes with the same prefix is ignored.
 * The copies themselves are {@code source.incremental}'s.
 */
package io.pgcdc.connector.source.signal;

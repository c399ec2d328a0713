/**
 * The statement sink on a real worker: parameters bound and never spliced, per-operation templates
 * on CDC envelopes, batches whose bad records alone go to the dead letter queue, each record
 * exactly once across a worker kill, and validation through the REST API.
 */
package io.pgcdc.it.statement;

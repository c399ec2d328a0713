/**
 * The server side: catalog queries (tables, columns, keys, slots), and the creation of the
 * publication and the slot. May use the source's configuration only.
 */
package io.pgcdc.connector.source.catalog;

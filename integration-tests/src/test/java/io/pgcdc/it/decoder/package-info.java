/**
 * Golden tests of the decoder: the bytes a real server sends through a pgoutput slot (read with the
 * SQL interface), decoded and compared whole, message by message and value by value.
 */
package io.pgcdc.it.decoder;

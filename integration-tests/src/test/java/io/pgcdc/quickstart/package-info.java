/**
 * The quickstart (mvn -Pquickstart -DskipTests verify): PostgreSQL, a broker and a worker with the
 * shipped source and sink streaming a demo table until Ctrl-C; and its IT.
 */
package io.pgcdc.quickstart;

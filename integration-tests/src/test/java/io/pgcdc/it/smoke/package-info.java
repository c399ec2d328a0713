/**
 * The packaged plugin as users install it: its archive, loading through plugin.path, the shipped
 * config files, config providers for secrets, a worker restart and temporary files.
 */
package io.pgcdc.it.smoke;

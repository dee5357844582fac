/** {@code weft demo}: small experiments that show the event loop's behaviour, with timings. */
package io.weft.cli.demo;

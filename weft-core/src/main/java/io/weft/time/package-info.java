/**
 * Time as the event loop sees it. {@link io.weft.time.Clock} is passed in through the loop's
 * configuration, so tests can run timers without sleeping.
 */
package io.weft.time;

package io.weft.testkit;

/** The readiness contract on every backend that works here. */
class PollerContractTest extends PollerContract {
}

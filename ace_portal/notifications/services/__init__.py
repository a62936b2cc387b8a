"""The notification engine: outbox (queue, dispatch, sweep), delivery, digests, centre."""

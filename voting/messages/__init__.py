"""Messages to owners' phones: the outbox, its worker and the providers that send.

A feature queues a message with ``voting.messages.outbox`` inside the transaction that
causes it; ``voting worker`` (or the demo's thread) sends it through the provider that
``VOTING_SMS_PROVIDER`` names. No request ever waits on a provider.
"""

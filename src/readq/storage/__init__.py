"""The on-disk library: sharded TinyDB files, crash-safe transactions, one lock.

Nothing outside this package touches TinyDB, file names or shard names; the rest of
readq sees ``store.Store`` and ``store.Shard`` and the shard names that ``layout`` hands
out (opaque strings).

The parts:

- ``layout``: the files of the data dir, which shard holds which paper;
- ``codec``: compact JSON out, strictly checked TinyDB JSON in (damage raises);
- ``documents``: catalog entries and paper state as stored documents;
- ``store``: the ``Store`` (reading shards, locked transactions) and ``Shard`` handles;
- ``journal``: committing several files at once so a crash leaves all old or all new;
- ``fsutil``: crash-safe single-file writes, and keeping damaged files aside;
- ``lock``: the inter-process write lock;
- ``backup``: state backups, restore and ``readq doctor``.
"""

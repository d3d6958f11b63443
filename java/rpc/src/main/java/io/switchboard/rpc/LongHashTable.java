package io.switchboard.rpc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A map from {@code long} ids (call ids, object ids) to values, open addressing with linear probing, so a put or a
 * remove neither boxes the key nor allocates a node. Every method holds the table's monitor: the sections are a few
 * array reads, shorter than any lock-free alternative's retries under the contention a session sees.
 */
final class LongHashTable<V>
{
    private static final long EMPTY = 0;

    private long[] keys;
    private Object[] values;
    private int size;
    private int resizeAt;

    LongHashTable(final int expected)
    {
        int capacity = 16;
        while (capacity * 2 / 3 < expected)
        {
            capacity <<= 1;
        }
        allocate(capacity);
    }

    private void allocate(final int capacity)
    {
        keys = new long[capacity];
        values = new Object[capacity];
        resizeAt = capacity * 2 / 3;
    }

    private static int hash(final long key, final int mask)
    {
        final long h = key * 0x9E3779B97F4A7C15L;
        return (int)(h ^ (h >>> 32)) & mask;
    }

    synchronized int size()
    {
        return size;
    }

    @SuppressWarnings("unchecked")
    synchronized V get(final long key)
    {
        final int index = indexOf(key);
        return index < 0 ? null : (V)values[index];
    }

    /**
     * Puts a value under a key that is not 0 and not present, if fewer than {@code limit} entries are present.
     *
     * @return true if put; false if the table already holds {@code limit} entries or the key.
     */
    synchronized boolean putIfAbsentBelow(final long key, final V value, final int limit)
    {
        if (size >= limit || indexOf(key) >= 0)
        {
            return false;
        }
        if (size + 1 > resizeAt)
        {
            rehash(keys.length << 1);
        }
        final int mask = keys.length - 1;
        int index = hash(key, mask);
        while (keys[index] != EMPTY)
        {
            index = (index + 1) & mask;
        }
        keys[index] = key;
        values[index] = value;
        size++;
        return true;
    }

    @SuppressWarnings("unchecked")
    synchronized V remove(final long key)
    {
        int index = indexOf(key);
        if (index < 0)
        {
            return null;
        }
        final V value = (V)values[index];
        final int mask = keys.length - 1;
        keys[index] = EMPTY;
        values[index] = null;
        size--;
        // backward shift: move later entries of the probe run into the hole, so lookups need no tombstones
        int next = (index + 1) & mask;
        while (keys[next] != EMPTY)
        {
            final int home = hash(keys[next], mask);
            if (((next - home) & mask) >= ((next - index) & mask))
            {
                keys[index] = keys[next];
                values[index] = values[next];
                keys[next] = EMPTY;
                values[next] = null;
                index = next;
            }
            next = (next + 1) & mask;
        }
        return value;
    }

    /**
     * Removes every entry.
     *
     * @return the values removed.
     */
    @SuppressWarnings("unchecked")
    synchronized List<V> drain()
    {
        final List<V> drained = new ArrayList<>(size);
        for (final Object value : values)
        {
            if (value != null)
            {
                drained.add((V)value);
            }
        }
        Arrays.fill(keys, EMPTY);
        Arrays.fill(values, null);
        size = 0;
        return drained;
    }

    private int indexOf(final long key)
    {
        if (key == EMPTY)
        {
            return -1;
        }
        final int mask = keys.length - 1;
        int index = hash(key, mask);
        while (keys[index] != EMPTY)
        {
            if (keys[index] == key)
            {
                return index;
            }
            index = (index + 1) & mask;
        }
        return -1;
    }

    private void rehash(final int capacity)
    {
        final long[] oldKeys = keys;
        final Object[] oldValues = values;
        allocate(capacity);
        final int mask = capacity - 1;
        for (int i = 0; i < oldKeys.length; i++)
        {
            if (oldKeys[i] != EMPTY)
            {
                int index = hash(oldKeys[i], mask);
                while (keys[index] != EMPTY)
                {
                    index = (index + 1) & mask;
                }
                keys[index] = oldKeys[i];
                values[index] = oldValues[i];
            }
        }
    }
}

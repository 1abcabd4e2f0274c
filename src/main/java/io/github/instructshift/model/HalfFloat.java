package io.github.instructshift.model;

/** IEEE 754 binary16 encoding (Java 17 has no {@code Float.floatToFloat16}). */
final class HalfFloat {
    private HalfFloat() {}

    /** Rounds to nearest, ties to even; overflow gives infinity, tiny values subnormals or zero. */
    static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exp = (f >>> 23) & 0xFF;
        int mant = f & 0x7FFFFF;
        if (exp == 0xFF) {                                   // inf or NaN
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {                                        // subnormal half or zero
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >> shift;
            int rest = mant & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rest = mant & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++;                                          // may carry into the exponent: still correct
        }
        return (short) (sign | half);
    }
}

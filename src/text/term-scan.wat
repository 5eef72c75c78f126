;; The standard analyzer's BM25 function (term-scan.ts drives it), compiled by scripts/build-wasm.mjs.
;; Row r of a column is the UTF-8 bytes [offs[r], offs[r + 1]) of `text`; each row's tokens are its
;; runs of letters and digits after lower-casing; a token's hash is the CRC-32 of its first 100 UTF-8
;; bytes (0xffffffff counted as 0), exactly `standardTermHashes` (analyzer.ts, term-hash-scan.ts); a
;; row's hashes are sorted and counted into one compressed-sparse-row block, as `CsrBuilder.addRow`.
;; A row this cannot do alone (a code point beyond the BMP, Σ, a character whose lower case is longer)
;; is left empty and its number listed in `skipped`: the caller analyzes it.
;;
;; Memory: [0, 1024) the CRC-32 table, i32 per byte value, and [1024, 1152) per ASCII byte its
;; lower-cased form if it is a letter or digit, else 0 (both filled by the caller); [4096, 266240) per
;; BMP code point its class (`classify`; 0 not yet known); the rest is the caller's.
(module
  ;; The class of a BMP code point: its lower-case form (bits 0-15), 0x10000 if that is a letter or
  ;; digit, 0x20000 if the row needs the caller (lower-casing changes the length, or Σ), 0x40000 always.
  (import "env" "classify" (func $classify (param i32) (result i32)))

  (memory (export "memory") 5)

  (global $skippedCount (export "skippedCount") (mut i32) (i32.const 0))

  ;; One more byte into a term's CRC-32, unless its first 100 bytes are in already.
  (func $add (param $crc i32) (param $len i32) (param $x i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $len) (i32.const 100))
      (then
        (i32.xor
          (i32.load (i32.shl (i32.and (i32.xor (local.get $crc) (local.get $x)) (i32.const 0xff)) (i32.const 2)))
          (i32.shr_u (local.get $crc) (i32.const 8))))
      (else (local.get $crc))))

  ;; Sorts the n u32 at $a ascending: insertion sort up to 128 (measured: faster than the shell sort
  ;; there, ~15 % of the whole scan), or a shell sort (Ciura's gaps, extended by 2.25)
  ;; for long rows.
  (func $sort (param $a i32) (param $n i32)
    (local $gap i32) (local $i i32) (local $j i32) (local $v i32) (local $w i32)
    (local.set $gap (i32.const 1))
    (if (i32.gt_u (local.get $n) (i32.const 128))
      (then
        ;; The largest gap of 1, 4, 10, 23, 57, 132, 301, 701, 1577, ... below n / 2.
        (local.set $gap (i32.const 1))
        (block $done
          (loop $grow
            (local.set $v
              (if (result i32) (i32.eq (local.get $gap) (i32.const 1)) (then (i32.const 4))
                (else (if (result i32) (i32.eq (local.get $gap) (i32.const 4)) (then (i32.const 10))
                (else (if (result i32) (i32.eq (local.get $gap) (i32.const 10)) (then (i32.const 23))
                (else (if (result i32) (i32.eq (local.get $gap) (i32.const 23)) (then (i32.const 57))
                (else (if (result i32) (i32.eq (local.get $gap) (i32.const 57)) (then (i32.const 132))
                (else (if (result i32) (i32.eq (local.get $gap) (i32.const 132)) (then (i32.const 301))
                (else (if (result i32) (i32.eq (local.get $gap) (i32.const 301)) (then (i32.const 701))
                (else (i32.div_u (i32.mul (local.get $gap) (i32.const 9)) (i32.const 4)))))))))))))))))
            (br_if $done (i32.ge_u (local.get $v) (i32.shr_u (local.get $n) (i32.const 1))))
            (local.set $gap (local.get $v))
            (br $grow)))))
    ;; Gapped insertion sorts, gap shrinking to 1.
    (block $end
      (loop $pass
        (local.set $i (local.get $gap))
        (block $rowsDone
          (loop $each
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $v (i32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $j (local.get $i))
            (block $placed
              (loop $shift
                (br_if $placed (i32.lt_u (local.get $j) (local.get $gap)))
                (local.set $w (i32.load (i32.add (local.get $a) (i32.shl (i32.sub (local.get $j) (local.get $gap)) (i32.const 2)))))
                (br_if $placed (i32.le_u (local.get $w) (local.get $v)))
                (i32.store (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))) (local.get $w))
                (local.set $j (i32.sub (local.get $j) (local.get $gap)))
                (br $shift)))
            (i32.store (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))) (local.get $v))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $each)))
        (br_if $end (i32.eq (local.get $gap) (i32.const 1)))
        ;; The next smaller gap of the sequence.
        (local.set $gap
          (if (result i32) (i32.le_u (local.get $gap) (i32.const 4)) (then (i32.const 1))
            (else (if (result i32) (i32.le_u (local.get $gap) (i32.const 10)) (then (i32.const 4))
            (else (if (result i32) (i32.le_u (local.get $gap) (i32.const 23)) (then (i32.const 10))
            (else (if (result i32) (i32.le_u (local.get $gap) (i32.const 57)) (then (i32.const 23))
            (else (if (result i32) (i32.le_u (local.get $gap) (i32.const 132)) (then (i32.const 57))
            (else (if (result i32) (i32.le_u (local.get $gap) (i32.const 301)) (then (i32.const 132))
            (else (if (result i32) (i32.le_u (local.get $gap) (i32.const 701)) (then (i32.const 301))
            (else (if (result i32) (i32.le_u (local.get $gap) (i32.const 1577)) (then (i32.const 701))
            (else (i32.div_u (i32.mul (local.get $gap) (i32.const 4)) (i32.const 9)))))))))))))))))))
        (br $pass))))

  ;; Rows [$r, $rows): term hashes counted into rowStart (i32, rows + 1) / idx (u32) / val (f32) from
  ;; entry $nnz on; $scratch holds one row's hashes (room for the longest row's tokens), $skipped the
  ;; rows left to the caller (room for rows), `skippedCount` of them so far. Returns the entry count.
  ;; Called a few rows at a time: V8 tiers a function up between calls, not within one.
  (func (export "termFrequencies")
    (param $text i32) (param $offs i32) (param $r i32) (param $rows i32) (param $rowStart i32) (param $idx i32) (param $val i32)
    (param $scratch i32) (param $skipped i32) (param $nnz i32) (result i32)
    (local $p i32) (local $end i32) (local $b i32) (local $c i32) (local $in i32)
    (local $crc i32) (local $len i32) (local $n i32) (local $k i32) (local $prev i32)
    (local $run i32) (local $h i32) (local $adv i32) (local $cp i32) (local $info i32)
    (block $allRows
      (loop $row
        (br_if $allRows (i32.ge_u (local.get $r) (local.get $rows)))
        (i32.store (i32.add (local.get $rowStart) (i32.shl (local.get $r) (i32.const 2))) (local.get $nnz))
        (local.set $p (i32.add (local.get $text) (i32.load (i32.add (local.get $offs) (i32.shl (local.get $r) (i32.const 2))))))
        (local.set $end (i32.add (local.get $text) (i32.load (i32.add (local.get $offs) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2))))))
        (local.set $n (i32.const 0))
        (local.set $in (i32.const 0))
        (block $nextRow
          (block $scanned
            (block $bail
              (loop $byte
                (br_if $scanned (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $b (i32.load8_u (local.get $p)))
                ;; A run of ASCII letters and digits (most of the text) hashed in a loop of its own;
                ;; a separator, a non-ASCII byte or the row's end goes on below.
                (if (i32.lt_u (local.get $b) (i32.const 0x80))
                  (then
                    (local.set $c (i32.load8_u offset=1024 (local.get $b)))
                    (if (local.get $c)
                      (then
                        (if (i32.eqz (local.get $in))
                          (then
                            (local.set $in (i32.const 1))
                            (local.set $crc (i32.const -1))
                            (local.set $len (i32.const 0))))
                        (block $runEnd
                          (loop $run
                            (if (i32.lt_u (local.get $len) (i32.const 100))
                              (then
                                (local.set $crc
                                  (i32.xor
                                    (i32.load (i32.shl (i32.and (i32.xor (local.get $crc) (local.get $c)) (i32.const 0xff)) (i32.const 2)))
                                    (i32.shr_u (local.get $crc) (i32.const 8))))))
                            (local.set $len (i32.add (local.get $len) (i32.const 1)))
                            (local.set $p (i32.add (local.get $p) (i32.const 1)))
                            (br_if $runEnd (i32.ge_u (local.get $p) (local.get $end)))
                            (local.set $b (i32.load8_u (local.get $p)))
                            (br_if $runEnd (i32.ge_u (local.get $b) (i32.const 0x80)))
                            (local.set $c (i32.load8_u offset=1024 (local.get $b)))
                            (br_if $run (local.get $c))))
                        (br $byte)))))
                (if (i32.lt_u (local.get $b) (i32.const 0x80))
                  (then
                    (local.set $c (i32.load8_u (i32.add (i32.const 1024) (local.get $b))))
                    (local.set $adv (i32.const 1)))
                  (else
                    ;; A UTF-8 sequence of 2 or 3 bytes (a BMP code point); anything else goes to the caller.
                    (br_if $bail (i32.lt_u (local.get $b) (i32.const 0xc2)))
                    (br_if $bail (i32.ge_u (local.get $b) (i32.const 0xf0)))
                    (if (i32.lt_u (local.get $b) (i32.const 0xe0))
                      (then
                        (br_if $bail (i32.gt_u (i32.add (local.get $p) (i32.const 2)) (local.get $end)))
                        (local.set $cp (i32.or
                          (i32.shl (i32.and (local.get $b) (i32.const 0x1f)) (i32.const 6))
                          (i32.and (i32.load8_u offset=1 (local.get $p)) (i32.const 0x3f))))
                        (local.set $adv (i32.const 2)))
                      (else
                        (br_if $bail (i32.gt_u (i32.add (local.get $p) (i32.const 3)) (local.get $end)))
                        (local.set $cp (i32.or (i32.or
                          (i32.shl (i32.and (local.get $b) (i32.const 0x0f)) (i32.const 12))
                          (i32.shl (i32.and (i32.load8_u offset=1 (local.get $p)) (i32.const 0x3f)) (i32.const 6)))
                          (i32.and (i32.load8_u offset=2 (local.get $p)) (i32.const 0x3f))))
                        (local.set $adv (i32.const 3))))
                    ;; Its class from this thread's cache, asked of the caller the first time.
                    (local.set $info (i32.load offset=4096 (i32.shl (local.get $cp) (i32.const 2))))
                    (if (i32.eqz (local.get $info))
                      (then
                        (local.set $info (call $classify (local.get $cp)))
                        (i32.store offset=4096 (i32.shl (local.get $cp) (i32.const 2)) (local.get $info))))
                    (br_if $bail (i32.and (local.get $info) (i32.const 0x20000)))
                    (local.set $c (select (i32.and (local.get $info) (i32.const 0xffff)) (i32.const 0)
                      (i32.and (local.get $info) (i32.const 0x10000))))))
                (if (local.get $c)
                  (then
                    (if (i32.eqz (local.get $in))
                      (then
                        (local.set $in (i32.const 1))
                        (local.set $crc (i32.const -1))
                        (local.set $len (i32.const 0))))
                    ;; The lower-cased character's UTF-8 bytes into the hash.
                    (if (i32.lt_u (local.get $c) (i32.const 0x80))
                      (then
                        ;; (`$add` written out: the common case, one byte.)
                        (if (i32.lt_u (local.get $len) (i32.const 100))
                          (then
                            (local.set $crc
                              (i32.xor
                                (i32.load (i32.shl (i32.and (i32.xor (local.get $crc) (local.get $c)) (i32.const 0xff)) (i32.const 2)))
                                (i32.shr_u (local.get $crc) (i32.const 8))))))
                        (local.set $len (i32.add (local.get $len) (i32.const 1))))
                      (else
                        (if (i32.lt_u (local.get $c) (i32.const 0x800))
                          (then
                            (local.set $crc (call $add (local.get $crc) (local.get $len)
                              (i32.or (i32.const 0xc0) (i32.shr_u (local.get $c) (i32.const 6)))))
                            (local.set $len (i32.add (local.get $len) (i32.const 1))))
                          (else
                            (local.set $crc (call $add (local.get $crc) (local.get $len)
                              (i32.or (i32.const 0xe0) (i32.shr_u (local.get $c) (i32.const 12)))))
                            (local.set $len (i32.add (local.get $len) (i32.const 1)))
                            (local.set $crc (call $add (local.get $crc) (local.get $len)
                              (i32.or (i32.const 0x80) (i32.and (i32.shr_u (local.get $c) (i32.const 6)) (i32.const 0x3f)))))
                            (local.set $len (i32.add (local.get $len) (i32.const 1)))))
                        (local.set $crc (call $add (local.get $crc) (local.get $len)
                          (i32.or (i32.const 0x80) (i32.and (local.get $c) (i32.const 0x3f)))))
                        (local.set $len (i32.add (local.get $len) (i32.const 1))))))
                  (else
                    (if (local.get $in)
                      (then
                        (i32.store (i32.add (local.get $scratch) (i32.shl (local.get $n) (i32.const 2)))
                          (select (i32.const 0) (i32.xor (local.get $crc) (i32.const -1)) (i32.eqz (local.get $crc))))
                        (local.set $n (i32.add (local.get $n) (i32.const 1)))
                        (local.set $in (i32.const 0))))))
                (local.set $p (i32.add (local.get $p) (local.get $adv)))
                (br $byte)))
            ;; Left empty, listed for the caller.
            (i32.store (i32.add (local.get $skipped) (i32.shl (global.get $skippedCount) (i32.const 2))) (local.get $r))
            (global.set $skippedCount (i32.add (global.get $skippedCount) (i32.const 1)))
            (br $nextRow))
          (if (local.get $in)
            (then
              (i32.store (i32.add (local.get $scratch) (i32.shl (local.get $n) (i32.const 2)))
                (select (i32.const 0) (i32.xor (local.get $crc) (i32.const -1)) (i32.eqz (local.get $crc))))
              (local.set $n (i32.add (local.get $n) (i32.const 1)))))
          (br_if $nextRow (i32.eqz (local.get $n)))
          (call $sort (local.get $scratch) (local.get $n))
          ;; Equal hashes counted: one entry per distinct hash, ascending.
          (local.set $prev (i32.load (local.get $scratch)))
          (local.set $run (i32.const 1))
          (local.set $k (i32.const 1))
          (block $counted
            (loop $count
              (br_if $counted (i32.ge_u (local.get $k) (local.get $n)))
              (local.set $h (i32.load (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 2)))))
              (if (i32.eq (local.get $h) (local.get $prev))
                (then (local.set $run (i32.add (local.get $run) (i32.const 1))))
                (else
                  (i32.store (i32.add (local.get $idx) (i32.shl (local.get $nnz) (i32.const 2))) (local.get $prev))
                  (f32.store (i32.add (local.get $val) (i32.shl (local.get $nnz) (i32.const 2))) (f32.convert_i32_u (local.get $run)))
                  (local.set $nnz (i32.add (local.get $nnz) (i32.const 1)))
                  (local.set $prev (local.get $h))
                  (local.set $run (i32.const 1))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $count)))
          (i32.store (i32.add (local.get $idx) (i32.shl (local.get $nnz) (i32.const 2))) (local.get $prev))
          (f32.store (i32.add (local.get $val) (i32.shl (local.get $nnz) (i32.const 2))) (f32.convert_i32_u (local.get $run)))
          (local.set $nnz (i32.add (local.get $nnz) (i32.const 1))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))
    (i32.store (i32.add (local.get $rowStart) (i32.shl (local.get $rows) (i32.const 2))) (local.get $nnz))
    (local.get $nnz))
)

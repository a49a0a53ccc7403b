/// Plaintext fixtures the tests encrypt with the real sops at test time.
enum Fixtures {
    static let kubernetesSecret = #"""
apiVersion: v1
kind: Secret
metadata:
    name: my-secret
    namespace: default
type: Opaque
data:
    password: cGFzc3dvcmQ=
stringData:
    username: admin
    # token comment
    token: abc
    config.yaml: |
        key: value
        other: 1

"""#

    static let yamlTypes = #"""
# header comment
str: hello world
quoted: "42"
single: 'yes'
int: 42
neg: -7
octal: 0755
hex: 0x1F
under: 1_000
big: 9223372036854775807
float: 1.5
exp: 1e3
bigfloat: 1e21
million: 1000000.0
smallfloat: 0.000001
tiny: 1.5e-7
g: 1234567.5
inf: .inf
ninf: -.inf
nan: .nan
bool: true
boolF: False
yes_str: yes
on: on
nullv: null
tilde: ~
empty:
date: 2024-01-02
datetime: 2024-01-02T03:04:05Z
datetime_frac: 2024-01-02T03:04:05.500Z
datetime_off: 2024-01-02T03:04:05+02:00
spacedate: 2001-12-14 21:59:43.10
notdate: 2024-01-02T03:04:05
unicode: "héllo wörld ✓ 😀"
multi: |
    line one
    line two
multi_keep: |+
    keep

multi_strip: |-
    strip
folded: >
    folded text
    more
trailing_space: "abc "
leading_space: " abc"
colon: "a: b"
hash: "a #b"
dash: "- x"
tab: "a\tb"
ctrl: "a\x01b"
crlf_str: "a\r\nb"
backslash: 'C:\path'
quote_in: 'it''s'
dq: 'say "hi"'
emptystr: ""
sexa: "1:20"
"y": yes-key
"n": 1
"true": 2
long_key_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: v
nested:
    a:
        b:
            c: deep
list:
    - a
    - 1
    - true
    - - x
      - y
    - k: v
      k2: v2
    - []
    - {}
    - |
        block in list
        second
emptymap: {}
emptylist: []
flow: {a: 1, b: [x, y]}

"""#

    static let yamlMultiDocument = #"""
a: 1
# comment doc1
---
b: two
list:
    - x
---
# only comment in doc3
c: 3

"""#

    static let yamlAnchors = #"""
defaults: &defaults
    adapter: postgres
    host: localhost
development:
    <<: *defaults
    database: dev
list: &l
    - a
    - b
copy: *l

"""#

    static let yamlComments = #"""
# top comment

# second block
a: 1 # inline a
b:
    # head of c
    c: 2
    d: 3
    # foot in b
# before e
e:
    - x # inline x
    # between
    - y
    # foot of list
f:
  - name: n
    # inside item
    val: v
    # foot item map
  - z
g: |
  multi
  line
# end comment

"""#

    static let yamlCommentSelectors = #"""
# sops:enc
secret: value1
plain: value2
# keep-plain
open: value3
nested:
    # sops:enc
    inner: x
    other: y
list:
    # sops:enc
    - item1
    - item2
    # trailing in list

"""#

    static let yamlCommentLayouts = #"""
key:
- a
# between indentless
- b
other:
  - c
  # indented
  - d
last: 1

# trailing after blank

"""#

    static let yamlNestedComments = #"""
a:
  b:
    - 1
    - 2
  # after seq at map level
  c: 3
seqofseq:
  - - a
    # in inner
    - b
  # in outer
  - - c

"""#

    static let yamlBinaryAndTags = #"""
a: !!binary /w==
b: !!binary AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2BhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp+goaKjpKWmp6ipqqusra6vsLGys7S1tre4ubq7vL2+v8DBwsPExcbHyMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8=
c: !!binary aGVsbG8=
d: !!str 123
e: !!int "42"
f: !!float 1
g: !!bool true
h: !custom tagged
i: !!timestamp 2024-01-01
j: ! 12

"""#

    static let json = #"""
{
  "str": "hello <world> & \"quotes\" \\ /",
  "unicode": "héllo ✓ 😀 \u2028 \u0008 \u000c \u0001 \u007f",
  "int": 42,
  "big": 1234567890123456789,
  "float": 1.5,
  "exp": 1e21,
  "small": 0.0000001,
  "neg": -0.0,
  "bool": true,
  "f": false,
  "nul": null,
  "arr": [1, "two", [3, {"four": 4}], [], {}],
  "nested": {"a": {"b": {"c": "deep"}}},
  "empty": "",
  "dup": 1,
  "dup": 2,
  "data": {"password": "s3cr3t"},
  "stringData": {"x": "y"},
  "plain_plain": "keep",
  "multi": "line1\nline2\ttab\r"
}

"""#

    static let dotenv = #"""
# comment line
KEY=value
EMPTY=
SPACES=value with spaces # not a comment
QUOTED="quoted value"
MULTI=line1\nline2
EQ=a=b=c
UNICODE=héllo ✓
password_plain=visible
#another comment
export EXPORTED=1

"""#

    static let dotenvOdd = #"""
A=1
=emptykey
B= spaced 
C=x\ny\\n
#

"""#

    static let ini = #"""
; top comment
global = g

[database]
; db comment
user = admin
password = secret ; inline
host: localhost
quoted = "  spaced  "
single = 'single'
empty =
hash = a#b
url = http://x.y/z?a=1

# section comment
[other]
key = value
multi = """line1
line2"""
password_plain = visible

"""#

    static let iniOdd = #"""
key_before = x
; comment before section
[sec1] ; inline section comment
a=1
b : 2
c = "quoted # not comment"
d = `backtick`
e = value \
  continued
f = tab	inside
g = """multi
line
value"""
h = a;b
dup = first
dup = second
[sec1]
a = again
[DEFAULT]
z = late default

"""#

}

import { describe, expect, it } from 'vitest';
import { Code, Ident, access, code, docComment, literal, typeKey, valueKey, valueLiteral } from '../../generator/code.js';

describe('code builder', () => {
  it('writes strings only as escaped literals, including line and paragraph separators', () => {
    // Quoted as prettier quotes: single quotes unless the text holds more of them than double quotes.
    expect(literal('a"b\\c\n').toString()).toBe(`'a"b\\\\c\\n'`);
    expect(literal("it's").toString()).toBe(`"it's"`);
    expect(literal(`it's "x"`).toString()).toBe(`'it\\'s "x"'`);
    expect(literal(`it's "x" 'y'`).toString()).toBe(`"it's \\"x\\" 'y'"`);
    expect(literal('x\u2028y\u2029z\ue000').toString()).toBe(`'x\\u2028y\\u2029z\\ue000'`);
    expect(literal('${globalThis.pwned=1}`').toString()).toBe("'${globalThis.pwned=1}`'");
    for (const text of ['\'', '"', '\\\'', '\\"', '\'"\'', '\u0000\u001f\ud800', 'a\\\\b']) expect(eval(literal(text).toString()), text).toBe(text);
    expect(literal(1e21).toString()).toBe('1e21');
    expect(literal(-0.5).toString()).toBe('-0.5');
    expect(eval(literal('*/ </script> \u2028 \'"`${x}').toString())).toBe('*/ </script> \u2028 \'"`${x}');
    expect(() => literal(undefined)).toThrow(TypeError);
  });

  it('interpolates plain values as literals and code as code', () => {
    const name = new Ident('payload');
    expect(code`const ${name} = ${`x'; process.exit(1); "'"`};`.toString()).toBe(`const payload = 'x\\'; process.exit(1); "\\'"';`);
    expect(code`f(${1}, ${null}, ${new Code('a + b')})`.toString()).toBe('f(1, null, a + b)');
  });

  it('checks identifiers', () => {
    expect(new Ident('UserCreatedEvent').toString()).toBe('UserCreatedEvent');
    for (const bad of ['class', 'a-b', '1a', '', 'a b', 'x;y']) expect(() => new Ident(bad), bad).toThrow(TypeError);
  });

  it('writes property keys bare only when safe, and keeps __proto__ an own property in values', () => {
    expect(typeKey('userId').toString()).toBe('userId');
    expect(typeKey('user.created').toString()).toBe("'user.created'");
    expect(typeKey('__proto__').toString()).toBe("'__proto__'");
    expect(valueKey('__proto__').toString()).toBe("['__proto__']");
    expect(access('a-b').toString()).toBe("['a-b']");
    expect(access('ok').toString()).toBe('.ok');
    const value = eval(`(${valueLiteral({ __proto__: null, nested: [{ '*/': 1 }] } as unknown as object).toString()})`) as object;
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const rebuilt = eval(`(${valueLiteral(parsed).toString()})`) as Record<string, unknown>;
    expect(Object.getPrototypeOf(rebuilt)).toBe(Object.prototype);
    expect(Object.hasOwn(rebuilt, '__proto__')).toBe(true);
    expect(rebuilt['__proto__']).toEqual({ polluted: true });
    expect(value).toBeTypeOf('object');
  });

  it('escapes doc comments so text cannot close them', () => {
    expect(docComment(['Ends */ here', 'Line\nbreak\u2028sep']).toString()).toBe(
      '/**\n * Ends *\\/ here\n * Line\n * break\n * sep\n */\n',
    );
    expect(docComment([undefined, '  ']).toString()).toBe('');
    const comment = docComment(['*/ process.exit(1) /*']).toString();
    expect(comment.indexOf('*/')).toBe(comment.length - 3);
  });
});

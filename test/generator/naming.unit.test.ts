import { describe, expect, it } from 'vitest';
import { NameScope, isBarePropertyKey, isIdentifier, splitWords, toCamelCase, toPascalCase } from '../../generator/naming.js';
import { NamingError } from '../../generator/errors.js';

describe('naming', () => {
  it('converts event types and titles to PascalCase and camelCase', () => {
    expect(toPascalCase('user.created')).toBe('UserCreated');
    expect(toPascalCase('voice_model.training_failed')).toBe('VoiceModelTrainingFailed');
    expect(toPascalCase('HTTPServerError')).toBe('HttpServerError');
    expect(toPascalCase('my-thing')).toBe('MyThing');
    expect(toPascalCase('Crème brûlée')).toBe('CremeBrulee');
    expect(toCamelCase('conversation.turn_completed')).toBe('conversationTurnCompleted');
    expect(splitWords('a1B2c')).toEqual(['a1', 'B2c']);
  });

  it('resolves collisions after case conversion with suffixes in claim order', () => {
    const scope = new NameScope();
    expect(['my-thing', 'MyThing', 'my_thing', 'MY THING'].map((title) => scope.claim(title, 'pascal'))).toEqual([
      'MyThing',
      'MyThing2',
      'MyThing3',
      'MyThing4',
    ]);
  });

  it('never returns reserved words, leading digits, empty names or inherited members', () => {
    const scope = new NameScope();
    expect(scope.claim('class', 'camel')).toBe('class2');
    expect(scope.claim('constructor', 'camel')).toBe('constructor2');
    expect(scope.claim('__proto__', 'camel')).toBe('proto');
    expect(scope.claim('to string', 'camel')).toBe('toString2');
    expect(scope.claim('1st place', 'pascal')).toBe('N1stPlace');
    expect(scope.claim('***', 'pascal')).toBe('Unnamed');
    expect(scope.claim('', 'pascal', 'Event')).toBe('Event');
    for (const name of ['class2', 'constructor2', 'proto', 'N1stPlace']) expect(isIdentifier(name)).toBe(true);
  });

  it('keeps fixed names away from derived ones', () => {
    const scope = new NameScope(['EventMap', 'Record']);
    expect(scope.claim('event map', 'pascal')).toBe('EventMap2');
    expect(scope.claim('record', 'pascal')).toBe('Record2');
    expect(scope.claimIdentifier('EventMap')).toBe('EventMap3');
    expect(() => scope.reserve('Record')).toThrow(NamingError);
    expect(() => scope.claimIdentifier('not valid')).toThrow(NamingError);
  });

  it('tells bare property keys from keys that need quotes', () => {
    expect(isBarePropertyKey('userId')).toBe(true);
    expect(isBarePropertyKey('class')).toBe(true);
    expect(isBarePropertyKey('__proto__')).toBe(false);
    expect(isBarePropertyKey('not-an-identifier')).toBe(false);
    expect(isBarePropertyKey('ünïcode')).toBe(false);
  });
});

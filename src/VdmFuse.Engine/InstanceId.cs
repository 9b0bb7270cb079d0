namespace VdmFuse.Engine;

/// <summary>The id of an instance that outlives its device number: how a missing child is named.</summary>
/// <param name="Generation">The generation the instance was created in.</param>
/// <param name="SystemId">The id of the system that created it.</param>
public readonly record struct InstanceId(uint Generation, uint SystemId);

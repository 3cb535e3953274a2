// What the actors say to each other (through the engine) and to the main thread.

export type ActorRole = 'orchestrator' | 'optimizer' | 'reviewer' | 'executor';

export interface WorkItem {
  id: string;
  kind: 'index-memory';
  memoryId: string;
  submittedAt: string;
}

export type ActorMessage =
  | { type: 'submit-work'; work: WorkItem }
  | { type: 'get-ready-work' }
  | { type: 'execute'; work: WorkItem }
  | { type: 'review'; work: WorkItem; output: string }
  | { type: 'optimize'; work: WorkItem };

export type ActorReply =
  | { type: 'ready-work'; work: WorkItem[] }
  | { type: 'work-executed'; work: WorkItem; output: string }
  | { type: 'work-reviewed'; work: WorkItem; approved: boolean }
  | { type: 'context-optimized'; work: WorkItem };

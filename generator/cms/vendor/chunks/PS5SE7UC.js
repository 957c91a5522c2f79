import{a}from"./PEKJQVKB.js";export{a as default};
